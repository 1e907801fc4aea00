from django.urls import path

from actors import views

app_name = "actors"

urlpatterns = [
    path("actors/", views.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("coalitions/", views.coalition_list, name="coalition-list"),
    path("coalitions/<slug:slug>/", views.coalition_detail, name="coalition-detail"),
]
