"""Reporting rounds: the list, and a round's page with its reporting rates and the pledges that
have not reported (reviews.rounds counts them)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actors.models import Actor
from portal.pagination import page_of
from reviews import rounds
from reviews.models import Pledge, ReportingRound

PAGE_SIZE = 50


@require_safe
def round_list(request):
    return render(
        request,
        "reviews/round_list.html",
        {
            "rounds": ReportingRound.objects.select_related("cycle"),
            "today": timezone.localdate(),
        },
    )


@require_safe
def round_detail(request, slug):
    round_ = get_object_or_404(ReportingRound.objects.select_related("cycle"), slug=slug)
    rates = rounds.rates(round_)
    missing = rates.missing
    actor = request.GET.get("actor", "")
    if actor:
        # (A NUL, which PostgreSQL cannot compare, is no organisation's slug.)
        named = Actor.objects.filter(slug=actor.replace("\x00", ""))
        lead = named.values_list("pk", flat=True).first() if "\x00" not in actor else None
        missing = [pair for pair in missing if pair[1] == lead]
    page = page_of([pk for pk, _lead in missing], request, PAGE_SIZE)
    found = Pledge.objects.filter(pk__in=page.rows).select_related("lead")
    shown = {
        pledge.pk: pledge
        for pledge in found.only(
            "id", "title", "language", "last_reported_at", "lead__name", "lead__slug"
        )
    }
    page.rows = [shown[pk] for pk in page.rows if pk in shown]
    page.count = len(missing)
    return render(
        request,
        "reviews/round_detail.html",
        {
            "round": round_,
            "rates": rates,
            "page": page,
            "actor": actor,
            "today": timezone.localdate(),
            "step": round_.step_on(timezone.localdate()),
        },
    )
