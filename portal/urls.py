from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views

# The admin signs in through the portal's own login: MFA, rate limits and logging apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("reviews.urls")),
    path("", include("actors.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
]
