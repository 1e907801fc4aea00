"""Pledge pages: the public list and page, drafting, the lifecycle's actions, progress."""

from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST, require_safe

from actors.acting import acting_membership
from actors.models import Actor
from actors.permissions import Access, memberships_by_actor
from portal.access import enforce, require_page_or_form, sign_in_first
from portal.pagination import page_of
from reviews import attachments, cards, measures, permissions, services, stats
from reviews.filters import PledgeFilter
from reviews.forms import PledgeForm, ProgressUpdateForm, ReasonForm
from reviews.models import ExpectedResult, Indicator, Pledge, PledgePartner, ReviewCycle
from reviews.views.comments import load_thread_groups, thread_context
from reviews.views.endorsements import endorsement_context
from reviews.views.questions import question_context

PAGE_SIZE = 20
# The list counts its selection up to this many pledges, then says "more than": the count costs
# one bounded query whatever the table's size (DESIGN §8: no COUNT over the whole table), and
# is cached with the statistics until a pledge changes (reviews.stats.total).
COUNT_LIMIT = 10_000


def _filters(pledge_filter, request) -> str:
    """The filter form's fields. A valid form is rendered once per language and parameters
    while the rows its choices list (objectives, principles, cycles) are unchanged (stats'
    token): its 250 translated country names and every choice took 40% of the page."""

    def render_fields() -> str:
        return render_to_string("includes/filter_fields.html", {"filter": pledge_filter})

    if not pledge_filter.is_valid():
        return render_fields()
    key = stats.cache_key(f"filter-form-{get_language()}", request.GET)
    return stats.remembered(key, render_fields)


@require_safe
def pledge_list(request):
    pledge_filter = PledgeFilter(request.GET, queryset=Pledge.objects.public())
    filters = _filters(pledge_filter, request)
    if not pledge_filter.is_valid():
        # As the API and the exports: a filter that makes no sense lists nothing (it is not
        # dropped to list everything), and the form says what is wrong.
        page = page_of(Pledge.objects.none(), request, PAGE_SIZE)
        context = {"filter": pledge_filter, "filters": filters, "page": page}
        return render(request, "reviews/pledge_list.html", context, status=400)
    selection = pledge_filter.sorted_qs()
    page = page_of(cards.positions(selection), request, PAGE_SIZE, keyset=True)
    page.count, page.count_capped = stats.total(request.GET, COUNT_LIMIT, pledge_filter.qs)
    page.rows = cards.cards_of(page.rows, selection.db, timezone.now())
    context = {"filter": pledge_filter, "filters": filters, "page": page}
    return render(request, "reviews/pledge_list.html", context)


def _pledge(pk) -> Pledge:
    return get_object_or_404(
        Pledge.objects.select_related(
            "lead", "cycle", "primary_objective", "matches"
        ).prefetch_related(
            "objectives",
            "principles",
            Prefetch("partnerships", queryset=PledgePartner.objects.select_related("actor")),
        ),
        pk=pk,
    )


def _visible_pledge(request, pk) -> Pledge:
    pledge = _pledge(pk)
    if not permissions.can_view_pledge(request.user, pledge):
        enforce(request, Access.NOT_FOUND, f"pledge {pk}")
    return pledge


@require_safe
def pledge_detail(request, pk):
    pledge = _visible_pledge(request, pk)
    user = request.user
    updates = list(
        pledge.progress_updates.shown(sees_hidden=permissions.sees_hidden(user)).select_related(
            "actor", "author"
        )
    )
    threads = load_thread_groups(
        user, {"pledge": [pledge.pk], "progress_update": [u.pk for u in updates]}
    )
    update_threads = threads["progress_update"]
    for update in updates:
        update.thread = update_threads.get(update.pk, [])
    prefetch_related_objects(
        [pledge],
        Prefetch(
            "results",
            queryset=ExpectedResult.objects.with_indicators(
                sees_hidden=permissions.sees_hidden(user)
            ),
        ),
    )
    indicators, given = [], {}
    for result in pledge.results.all():
        for indicator in result.indicators.all():
            indicator.path = measures.path_of(indicator, indicator.actuals.all())
            indicators.append(indicator)
            for actual in indicator.actuals.all():
                given.setdefault(actual.update_id, []).append(
                    (indicator, measures.worded(indicator, actual.value), actual)
                )
    for update in updates:  # the values each report gave, read from the indicators'
        update.values_given = given.get(update.pk, [])
    now = timezone.now()
    next_cycle = ReviewCycle.objects.next_deadline(now)
    history = list(pledge.history.select_related("history_user").order_by("-history_date")[:20])
    changes = [(newer, newer.diff_against(older).changes) for newer, older in pairwise(history)]
    my_actor_ids = set(memberships_by_actor(user))
    actions = permissions.pledge_actions(user, pledge)
    return render(
        request,
        "reviews/pledge_detail.html",
        {
            "pledge": pledge,
            "updates": updates,
            "transitions": pledge.transitions.select_related("user", "actor"),
            "changes": changes,
            "freshness": pledge.freshness_at(now),
            "next_cycle": next_cycle,
            # Buttons show to the roles; a missing second factor is asked for on click.
            "can": {name: access.offered for name, access in actions.items()},
            "my_partnerships": [
                p
                for p in pledge.partnerships.all()
                if p.actor_id in my_actor_ids and permissions.partnership_access(user, p).offered
            ],
            "progress_form": ProgressUpdateForm(
                actors=Actor.objects.filter(pk__in=permissions.progress_actor_ids(user, pledge)),
                pledge=pledge,
                indicators=indicators,
                initial={"date": timezone.localdate()},
            ),
            "reason_form": ReasonForm(),
            "submission_errors": pledge.submission_errors() if pledge.is_editable else {},
            "submission_warnings": pledge.submission_warnings() if pledge.is_editable else [],
            **thread_context(request, "pledge", pledge, threads["pledge"].get(pledge.pk, [])),
            **endorsement_context(user, pledge),
            **question_context(user, pledge),
        },
    )


@require_safe
@login_required
def my_pledges(request):
    """The pledges of the person's organisations, by status, with what needs action."""
    actor_ids = list(memberships_by_actor(request.user))
    pledges = (
        Pledge.objects.filter(lead_id__in=actor_ids)
        .select_related("lead", "cycle")
        .defer("description")
        .order_by("status", "-updated_at")
    )
    partnerships = (
        PledgePartner.objects.filter(actor_id__in=actor_ids, status=PledgePartner.Status.PENDING)
        .select_related("pledge", "pledge__lead", "actor")
        .order_by("pk")
    )
    by_status = {}
    for pledge in pledges:
        by_status.setdefault(pledge.status, []).append(pledge)
    sections = [
        (value, label, by_status.get(value, []))
        for value, label in Pledge.Status.choices
        if by_status.get(value)
    ]
    return render(
        request,
        "reviews/pledge_mine.html",
        {"sections": sections, "partnerships": partnerships, "has_orgs": bool(actor_ids)},
    )


def _save_pledge(request, form, *, pledge=None, lead=None):
    data = form.service_data()
    if pledge is None:
        return services.pledge_create(lead=lead, by=request.user, data=data)
    return services.pledge_update(
        pledge=pledge, by=request.user, version=form.cleaned_data["version"] or 0, data=data
    )


@require_page_or_form
@login_required
def pledge_create(request):
    memberships = list(memberships_by_actor(request.user).values())
    if not memberships:
        messages.info(
            request, gettext("Join an organisation first: pledges are made by organisations.")
        )
        return redirect("actors:my-organisations")
    acting = acting_membership(request) or memberships[0]
    lead_id = request.POST.get("lead") or request.GET.get("lead") or acting.actor_id
    lead = next((m.actor for m in memberships if str(m.actor_id) == str(lead_id)), None)
    if lead is None:
        raise Http404("Not one of your organisations.")
    form = PledgeForm(
        request.POST or None,
        request.FILES or None,
        lead=lead,
        initial={
            "cycle": ReviewCycle.objects.default_for_submissions(),
            "contact_name": request.user.display_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            pledge = _save_pledge(request, form, lead=lead)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("The draft is saved. Only your organisation sees it.")
            )
            return redirect(pledge)
    return render(
        request,
        "reviews/pledge_form.html",
        {"form": form, "lead": lead, "leads": [m.actor for m in memberships]},
    )


@require_page_or_form
@sign_in_first
def pledge_edit(request, pk):
    pledge = _pledge(pk)
    if denial := enforce(request, permissions.edit_access(request.user, pledge), "edit pledge"):
        return denial
    form = PledgeForm(request.POST or None, request.FILES or None, instance=pledge)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_pledge(request, form, pledge=pledge)
        except services.PledgeConflict as error:
            conflict = error.current
            # Keep what the person typed; the next save deliberately replaces the newer text.
            form.data = form.data.copy()
            form.data["version"] = conflict.version
            form.add_error(
                None,
                gettext(
                    "Someone saved this pledge while you were editing it. Your text is kept "
                    "below; compare it with the saved version, then save again to replace it."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your changes are saved."))
            return redirect(saved)
    return render(
        request,
        "reviews/pledge_form.html",
        {"form": form, "pledge": pledge, "lead": pledge.lead, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@sign_in_first
def pledge_transition(request, pk, step):
    if denial := enforce(request, permissions.step_gate(request.user, step), f"{step} pledge"):
        return denial
    pledge = _pledge(pk)
    access = permissions.transition_access(request.user, pledge, step)
    if denial := enforce(request, access, f"{step} pledge"):
        return denial
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.pledge_step(pledge=pledge, step=step, by=request.user, reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(pledge)
    messages.success(request, str(services.STEP_DONE[step]))
    if step in ("publish", "return", "reject"):
        return redirect("reviews:moderation")
    return redirect(pledge)


@require_POST
@sign_in_first
def partnership_decide(request, pk, partner_pk, decision):
    partnership = get_object_or_404(
        PledgePartner.objects.select_related("pledge", "actor"), pk=partner_pk, pledge_id=pk
    )
    access = permissions.partnership_access(request.user, partnership)
    if denial := enforce(request, access, f"{decision} partnership"):
        return denial
    services.partnership_decide(
        partnership=partnership, by=request.user, confirm=decision == "confirm"
    )
    if decision == "confirm":
        done = gettext("%(actor)s confirms the partnership.")
    else:
        done = gettext("%(actor)s declines the partnership.")
    messages.success(request, done % {"actor": partnership.actor.name})
    return redirect(partnership.pledge)


@require_POST
@sign_in_first
def progress_create(request, pk):
    pledge = _pledge(pk)
    if denial := enforce(request, permissions.progress_access(request.user, pledge), "report"):
        return denial
    actors = Actor.objects.filter(pk__in=permissions.progress_actor_ids(request.user, pledge))
    indicators = Indicator.objects.filter(result__pledge=pledge).order_by(
        "result__position", "result__pk", "position", "pk"
    )
    form = ProgressUpdateForm(request.POST, actors=actors, pledge=pledge, indicators=indicators)
    if form.is_valid():
        try:
            services.progress_update_create(
                pledge=pledge,
                by=request.user,
                actor=actors.get(pk=form.cleaned_data["actor"]),
                date=form.cleaned_data["date"],
                stage=form.cleaned_data["stage"],
                narrative=form.cleaned_data["narrative"],
                language=form.cleaned_data["language"],
                actuals=form.actuals,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your progress report is published."))
            return redirect(pledge)
    return render(
        request,
        "reviews/progress_form.html",
        {"pledge": pledge, "form": form},
        status=400,
    )


@require_safe
def attachment_download(request, pk):
    pledge = _visible_pledge(request, pk)
    if not pledge.attachment:
        raise Http404("This pledge has no attachment.")
    response = FileResponse(
        pledge.attachment.open("rb"),
        as_attachment=True,
        filename=attachments.download_name(pledge.attachment_name, pledge.attachment_type),
        content_type=attachments.served_type(pledge.attachment_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
