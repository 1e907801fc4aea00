"""The portal's addresses, plus the bench's yardstick: a trivial JSON view.

The throughput of a page is divided by this view's, measured in the same run. It is a view like
every other — behind the whole middleware stack (session, locale, CSRF, authentication, CSP…) —
so that the ratio tells what the page itself costs. /healthz is no yardstick: it is answered
before the session and the user (portal.middleware.HealthCheckMiddleware), as a load balancer's
probe must be; the bench prints its rate beside the others, for information.
"""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from portal import urls as portal_urls


@require_safe
def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial.json", trivial, name="bench-trivial"), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500
