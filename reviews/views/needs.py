"""Needs pages: the needs board, a need with its offers and matching pledges, publishing and
editing a need, offering, marking met, closing, and moderators hiding or restoring a need.

Thin: the filters are reviews.filters.NeedFilter, who may is reviews.permissions', the writes
are reviews.services.needs'. Every form posts and redirects; an invalid one is shown again with
its errors and what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from actors.acting import acting_membership
from actors.models import Actor
from actors.permissions import memberships_by_actor
from portal.access import enforce, require_page_or_form, sign_in_first
from portal.pagination import page_of
from reviews import permissions, services
from reviews.filters import NeedFilter
from reviews.models import Need, Offer, Pledge, ReviewCycle
from reviews.need_forms import NeedForm, NeedReasonForm, OfferForm

PAGE_SIZE = 20
# As the pledge list: the count reads at most this many rows, then says "or more".
COUNT_LIMIT = 10_000


def board_selection(need_filter: NeedFilter):
    """The board's needs: the open ones unless `status` chooses (open or met)."""
    selection = need_filter.sorted_qs()
    if not need_filter.form.cleaned_data.get("status"):
        selection = selection.filter(status=Need.Status.OPEN)
    return selection


@require_safe
def need_list(request):
    need_filter = NeedFilter(request.GET, queryset=Need.objects.public())
    can_publish = permissions.need_create_access(request.user).offered
    context = {"filter": need_filter, "can_publish": can_publish}
    if not need_filter.is_valid():
        # As the pledge list: a filter that makes no sense lists nothing, and says why.
        context["page"] = page_of(Need.objects.none(), request, PAGE_SIZE)
        return render(request, "reviews/need_list.html", context, status=400)
    selection = board_selection(need_filter)
    page = page_of(selection.for_list(), request, PAGE_SIZE, keyset=True, count_limit=COUNT_LIMIT)
    context["page"] = page
    return render(request, "reviews/need_list.html", context)


def _need(pk) -> Need:
    return get_object_or_404(Need.objects.for_page(), pk=pk)


def _visible_need(request, pk) -> Need:
    need = _need(pk)
    # A need the person may not read is a 404 (enforce raises it), as one that does not exist.
    enforce(request, permissions.need_view_access(request.user, need), f"need {pk}")
    return need


def _offering_actors(user, need):
    return Actor.objects.filter(pk__in=permissions.offering_actor_ids(user, need)).order_by("name")


def _detail(request, need, *, offer_form=None, reason_form=None, status=200):
    user = request.user
    offers = list(need.offers.active().with_actor())
    matching = list(
        Pledge.objects.public()
        .filter(answers_need=need)
        .select_related("lead")
        .defer("description", "search_vector", "search_title", "search_head")
        .order_by("-published_at", "-pk")
    )
    actions = permissions.need_actions(user, need)
    mine = set(memberships_by_actor(user))
    return render(
        request,
        "reviews/need_detail.html",
        {
            "need": need,
            "offers": offers,
            "matching_pledges": matching,
            "can": {name: access.offered for name, access in actions.items()},
            "my_offer_ids": {offer.pk for offer in offers if offer.actor_id in mine},
            "offer_form": offer_form
            or (OfferForm(actors=_offering_actors(user, need)) if actions["offer"] else None),
            "reason_form": reason_form or NeedReasonForm(),
        },
        status=status,
    )


@require_safe
def need_detail(request, pk):
    return _detail(request, _visible_need(request, pk))


def _chosen_actor(request, allowed_ids):
    """The organisation a new need is for: the one chosen (posted, or in the address), else
    the one the person acts for now, else their first."""
    actors = list(Actor.objects.filter(pk__in=allowed_ids).order_by("name"))
    acting = acting_membership(request)
    chosen = request.POST.get("actor") or request.GET.get("actor")
    if chosen is None and acting is not None and acting.actor_id in allowed_ids:
        chosen = acting.actor_id
    if chosen is None:
        return actors[0], actors
    actor = next((a for a in actors if str(a.pk) == str(chosen)), None)
    if actor is None:
        raise Http404("Not one of your organisations.")
    return actor, actors


@require_page_or_form
@login_required
def need_create(request):
    allowed = permissions.need_actor_ids(request.user)
    if not memberships_by_actor(request.user):
        messages.info(
            request, gettext("Join an organisation first: needs are published by organisations.")
        )
        return redirect("actors:my-organisations")
    if not allowed:  # blocked from posting, or acting for no accredited organisation
        enforce(request, permissions.need_create_access(request.user), "publish need")
    actor, actors = _chosen_actor(request, allowed)
    form = NeedForm(
        request.POST or None,
        initial={"cycle": ReviewCycle.objects.default_for_submissions()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(actor=actor, by=request.user, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your need is published on the needs board."))
            return redirect(need)
    return render(
        request,
        "reviews/need_form.html",
        {"form": form, "actor": actor, "actors": actors},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_page_or_form
@sign_in_first
def need_edit(request, pk):
    need = _need(pk)
    if denial := enforce(request, permissions.need_manage_access(request.user, need), "edit need"):
        return denial
    form = NeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.need_update(need=need, by=request.user, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your changes are saved."))
            return redirect(saved)
    return render(
        request,
        "reviews/need_form.html",
        {"form": form, "need": need, "actor": need.actor},
        status=400 if form.is_bound and form.errors else 200,
    )


STEPS = {
    "met": (services.need_mark_met, "mark need met"),
    "close": (services.need_close, "close need"),
}


@require_POST
@sign_in_first
def need_step(request, pk, step):
    need = _need(pk)
    function, what = STEPS[step]
    if denial := enforce(request, permissions.need_manage_access(request.user, need), what):
        return denial
    try:
        function(need=need, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(need)
    if step == "met":
        messages.success(request, gettext("The need is marked met; those who offered are told."))
        return redirect(need)
    messages.success(request, gettext("The need is closed; it is no longer on the board."))
    return redirect(need)


@require_POST
@sign_in_first
def need_offer(request, pk):
    need = _need(pk)
    if denial := enforce(request, permissions.offer_access(request.user, need), "offer"):
        return denial
    form = OfferForm(request.POST, actors=_offering_actors(request.user, need))
    if form.is_valid():
        try:
            services.offer_create(
                need=need,
                actor=form.cleaned_data["actor"],
                by=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your offer is published on the need's page."))
            return redirect(need)
    return _detail(request, need, offer_form=form, status=400)


@require_POST
@sign_in_first
def offer_withdraw(request, pk, offer_pk):
    offer = get_object_or_404(
        Offer.objects.select_related("need", "actor"),
        pk=offer_pk,
        need_id=pk,
    )
    access = permissions.offer_withdraw_access(request.user, offer)
    if denial := enforce(request, access, "withdraw offer"):
        return denial
    try:
        services.offer_withdraw(offer=offer, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("Your offer is withdrawn."))
    return redirect(offer.need)


@require_POST
@sign_in_first
def need_moderate(request, pk, action):
    if denial := enforce(
        request, permissions.conversation_moderation_access(request.user), f"{action} need"
    ):
        return denial
    need = _need(pk)
    access = permissions.need_moderation_access(request.user, need, action)
    if denial := enforce(request, access, f"{action} need"):
        return denial
    form = NeedReasonForm(request.POST)
    if action == "hide":
        if not form.is_valid():
            return _detail(request, need, reason_form=form, status=400)
        services.need_hide(need=need, moderator=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, gettext("The need is hidden; the log keeps the reason."))
    else:
        reason = form.data.get("reason", "")[:2000]
        services.need_restore(need=need, moderator=request.user, reason=reason)
        messages.success(request, gettext("The need is shown again."))
    return redirect(need)
