from django.contrib import admin
from django.urls import include, path

from actors.views.accounts import secure_admin
from portal import views

# The admin signs in through the portal's own login, and needs MFA like every power.
secure_admin(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("reviews.urls")),
    path("", include("actors.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
]
