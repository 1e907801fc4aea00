"""Following pledges, objectives, organisations and saved searches: the buttons' actions (POST
only) and the person's list of what they follow (actors.follows)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from actors import follows, services
from actors.forms import FollowForm
from actors.models import Follow
from actors.permissions import Access, can_unfollow, follow_access
from portal.access import enforce, log_denial
from portal.ids import parse_id


def _back(request) -> str:
    """The page the button was on (`next`), when it is one of the site's own."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _sign_in(request, what: str):
    # Back to the page of the button after signing in, not to this POST-only address.
    log_denial(request, Access.LOGIN_REQUIRED, what)
    return redirect_to_login(_back(request) or reverse("actors:following"))


@require_POST
def follow(request):
    if follow_access(request.user) is not Access.ALLOW:
        return _sign_in(request, "follow")
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            followed = services.follow_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext(
                    "You follow %(label)s: what is new on it reaches your notifications, as you "
                    "chose in your notification settings."
                )
                % {"label": followed.label},
            )
            return redirect(_back(request) or follows.url_of(followed))
    context = {"form": form, "back": _back(request)}
    return render(request, "actors/follow_refused.html", context, status=400)


@require_POST
def unfollow(request, pk):
    if not request.user.is_authenticated:
        return _sign_in(request, "unfollow")
    number = parse_id(pk)
    followed = Follow.objects.filter(pk=number).first() if number else None
    if followed is None or not can_unfollow(request.user, followed):
        # Another person's follow is answered as one that does not exist.
        return enforce(request, Access.NOT_FOUND, f"follow {pk}")
    services.follow_delete(user=request.user, follow=followed)
    messages.success(
        request, gettext("You no longer follow %(label)s.") % {"label": followed.label}
    )
    return redirect(_back(request) or "actors:following")


@require_safe
@login_required
def following(request):
    rows = [(f, follows.url_of(f)) for f in Follow.objects.filter(user=request.user)]
    return render(request, "actors/following.html", {"rows": rows})
