"""Reporting rounds: the list, and a round's page with its reporting rates and the pledges that
have not reported (reviews.rounds counts them)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal.pagination import page_of
from reviews import rounds
from reviews.models import ReportingRound

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
    missing = rounds.unreported(round_)
    actor = request.GET.get("actor", "")
    counted = rates.overall
    if actor:
        missing = missing.filter(lead__slug=actor)
        counted = next((rate for rate in rates.actors if rate.key == actor), None)
    page = page_of(missing, request, PAGE_SIZE)
    # How many are missing, from the round's cached rates (no count of the list).
    page.count, page.count_capped = (counted.missing if counted else 0), False
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
