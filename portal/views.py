"""The home page."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actors.models import Actor, Coalition
from reviews import discovery
from reviews.models import Objective, ReviewCycle


@require_safe
def home(request):
    now = timezone.now()
    cycle = ReviewCycle.objects.with_citations().current(now)
    # All 23 objectives are listed: their count needs no query of its own.
    objectives = list(Objective.objects.only("number", "short_label"))
    counts = {
        "objectives": len(objectives),
        "actors": Actor.objects.accredited().count(),
        "coalitions": Coalition.objects.count(),
    }
    return render(
        request,
        "portal/home.html",
        {
            "figures": discovery.cycle_figures(cycle) if cycle else None,
            "newest": discovery.pledges_of(),
            "updates": discovery.latest_updates(),
            "cycle": cycle,
            "now": now,
            "cycle_open": cycle.is_open_for_submissions(now) if cycle else False,
            "counts": counts,
            "objectives": objectives,
        },
    )
