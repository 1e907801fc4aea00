"""Endorsing a public pledge for one's organisation, and withdrawing the endorsement.

The pledge page shows the list and the form (`endorsement_context`); these views take its POSTs
and go back to it. A refused form is shown again on a page of its own, with its errors and what
was typed, as the comment and progress forms are.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from actors.permissions import memberships_by_actor
from portal.access import Conflict, enforce, sign_in_first
from portal.ratelimit import RateLimited
from reviews import permissions, services
from reviews.models import Endorsement, Pledge
from reviews.models.endorsements import NOTE_MAX


class EndorsementForm(forms.Form):
    # Its fields are named endorsement-… on the page, beside the comment form's own `actor`.
    prefix = "endorsement"

    actor = forms.TypedChoiceField(coerce=int, label=_("Endorse on behalf of"))
    offers_partnership = forms.BooleanField(
        required=False, label=_("We offer to become a partner of this pledge")
    )
    note = forms.CharField(
        label=_("A short note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX, "data-counter": "true"}),
        help_text=_("Plain text, shown with your organisation's endorsement."),
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [(actor.pk, actor.name) for actor in actors]


def _actors(user, ids):
    """The person's organisations of `ids` (from their memberships: no query), by name."""
    memberships = memberships_by_actor(user)
    return sorted((memberships[pk].actor for pk in ids), key=lambda actor: actor.name)


def endorsement_context(user, pledge: Pledge) -> dict:
    """What the pledge page shows of its endorsements, in one query: the active ones with their
    organisations, the person's own they may withdraw, and a form for their organisations that
    may still endorse (none when there is nothing left to endorse for)."""
    if not pledge.is_public:
        return {"endorsements": [], "my_endorsements": [], "endorsement_form": None}
    endorsements = list(pledge.endorsements.active().select_related("actor"))
    mine = [e for e in endorsements if permissions.withdraw_endorsement_access(user, e).offered]
    form = None
    if permissions.endorse_access(user, pledge).offered:
        endorsing = {e.actor_id for e in endorsements}
        free = [pk for pk in permissions.endorsing_actor_ids(user, pledge) if pk not in endorsing]
        if free:
            form = EndorsementForm(actors=_actors(user, free))
    return {"endorsements": endorsements, "my_endorsements": mine, "endorsement_form": form}


def _pledge(pk) -> Pledge:
    return get_object_or_404(
        Pledge.objects.select_related("lead").prefetch_related("partnerships"), pk=pk
    )


def _back(pledge: Pledge) -> str:
    return reverse("reviews:pledge-detail", args=[pledge.pk]) + "#endorsements"


@require_POST
@sign_in_first
def endorsement_create(request, pk):
    pledge = _pledge(pk)
    user = request.user
    if denial := enforce(request, permissions.endorse_access(user, pledge), "endorse pledge"):
        return denial
    form = EndorsementForm(
        request.POST, actors=_actors(user, permissions.endorsing_actor_ids(user, pledge))
    )
    status = 400
    if form.is_valid():
        actor = memberships_by_actor(user)[form.cleaned_data["actor"]].actor
        try:
            services.endorsement_create(
                pledge=pledge,
                actor=actor,
                by=user,
                offers_partnership=form.cleaned_data["offers_partnership"],
                note=form.cleaned_data["note"],
            )
        except RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
            status = 409 if isinstance(error, Conflict) else 400
        else:
            messages.success(
                request,
                gettext("%(actor)s endorses this pledge.") % {"actor": actor.name},
            )
            return redirect(_back(pledge))
    return render(
        request, "reviews/endorsement_form.html", {"form": form, "pledge": pledge}, status=status
    )


@require_POST
@sign_in_first
def endorsement_withdraw(request, pk, endorsement_pk):
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("actor", "pledge"), pk=endorsement_pk, pledge_id=pk
    )
    access = permissions.withdraw_endorsement_access(request.user, endorsement)
    if denial := enforce(request, access, "withdraw endorsement"):
        return denial
    try:
        services.endorsement_withdraw(endorsement=endorsement, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("%(actor)s no longer endorses this pledge.")
            % {"actor": endorsement.actor.name},
        )
    return redirect(_back(endorsement.pledge))
