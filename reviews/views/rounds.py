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
    missing = rounds.unreported(round_)
    actor = request.GET.get("actor", "")
    if actor:
        missing = missing.filter(lead__slug=actor)
    return render(
        request,
        "reviews/round_detail.html",
        {
            "round": round_,
            "rates": rounds.rates(round_),
            "page": page_of(missing, request, PAGE_SIZE, count=True, count_limit=10_000),
            "actor": actor,
            "today": timezone.localdate(),
            "step": round_.step_on(timezone.localdate()),
        },
    )
