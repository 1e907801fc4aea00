"""The interface's language: the switcher's view and the JavaScript catalogue (issue 12).

The language of a request is Django's choice (LocaleMiddleware: the switcher's cookie, else the
browser's Accept-Language); a signed-in person's choice is also kept in their profile
(`User.language`), which is used when no cookie says otherwise and for their e-mails.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import translation
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


@require_POST
def set_language(request):
    """Django's set_language (the cookie, back to `next` when it is safe); a signed-in person's
    choice is also saved as their preference."""
    response = django_set_language(request)
    chosen = request.POST.get("language")
    user = request.user
    if chosen in LANGUAGE_CODES and user.is_authenticated and user.language != chosen:
        get_user_model().objects.filter(pk=user.pk).update(language=chosen)
        user.language = chosen
    return response


_catalogue = JavaScriptCatalog.as_view()


# One address per language (base.html names the page's): a browser and the shared cache may keep
# it for a day, and never serve one language's catalogue for another.
@cache_control(public=True, max_age=86400)
@cache_page(86400, key_prefix="jsi18n")
def javascript_catalog(request, language):
    if language not in LANGUAGE_CODES:
        raise Http404("no such language")
    with translation.override(language):
        return _catalogue(request)


class PreferredLanguageMiddleware:
    """A signed-in person's saved language, when no switcher cookie chose one for this browser
    (after LocaleMiddleware, which read the cookie or Accept-Language, and after the user is
    known). Only requests with a session look at the user: an anonymous one costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = request.COOKIES
        if settings.LANGUAGE_COOKIE_NAME not in cookies and settings.SESSION_COOKIE_NAME in cookies:
            preferred = getattr(request.user, "language", "")
            if preferred in LANGUAGE_CODES and preferred != request.LANGUAGE_CODE:
                translation.activate(preferred)
                request.LANGUAGE_CODE = preferred
        return self.get_response(request)


def of_user(user) -> str:
    """The language to write to this person in: their choice, else the portal's default."""
    preferred = getattr(user, "language", "")
    return preferred if preferred in LANGUAGE_CODES else settings.LANGUAGE_CODE
