"""The portal's own middlewares: the health pages answer before the rest."""

from django.urls import reverse

from portal import health


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the session, the user and the portal's middlewares.

    Those load the signed-in user from the database; the health pages must answer what they
    check, not what a session cookie costs. The host is still validated.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = None

    def __call__(self, request):
        if self.views is None:
            self.views = {reverse("healthz"): health.healthz, reverse("readyz"): health.readyz}
        view = self.views.get(request.path)
        if view is None:
            return self.get_response(request)
        request.get_host()  # Raises DisallowedHost (a 400) for a host not in ALLOWED_HOSTS.
        return view(request)
