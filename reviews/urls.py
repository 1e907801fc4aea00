from django.urls import path

from reviews.views import moderation
from reviews.views import reference as views

app_name = "reviews"

urlpatterns = [
    path("objectives/", views.objective_list, name="objective-list"),
    path("objectives/<int:number>/", views.objective_detail, name="objective-detail"),
    path("principles/", views.principle_list, name="principle-list"),
    path("cycles/", views.cycle_list, name="cycle-list"),
    path("cycles/<slug:slug>/", views.cycle_detail, name="cycle-detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("moderation/", moderation.moderation_home, name="moderation"),
]
