from django.contrib import admin
from django.urls import include, path

from actors.views.accounts import secure_admin
from portal import health, language, views

# The admin signs in through the portal's own login, and needs MFA like every power.
secure_admin(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    # Answered by portal.middleware.HealthCheckMiddleware before the session; named for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before the site's pages, which are tried one by one: none of them starts with "api/".
    path("api/", include("portal.api_urls")),
    path("feeds/", include("reviews.feed_urls")),
    path("", include("reviews.urls")),
    path("", include("actors.urls")),
    path("accounts/", include("allauth.urls")),
    # The language switcher, and the translations of static/js/portal.js's strings, loaded
    # before it by base.html (portal.language).
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("jsi18n/<str:language>/", language.javascript_catalog, name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# A middleware that cannot reach the database answers 503 too (portal.middleware).
handler500 = "portal.middleware.server_error"
