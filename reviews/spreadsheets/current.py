"""What the pledges of a spreadsheet stand at now, read in a few queries whatever their number:
the pledges with their last shown report, their indicators with the latest value given, and
the open rounds that ask them for a report. The template writes it; the preview compares the
file with it."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery

from actors.models import Actor
from reviews.models import (
    Indicator,
    IndicatorActual,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReportingRound,
)


def _last_shown(field: str):
    updates = ProgressUpdate.objects.filter(pledge=OuterRef("pk"), is_hidden=False)
    return Subquery(updates.order_by("-date", "-pk").values(field)[:1])


def pledges():
    """Pledges with what the spreadsheet shows of them and what the permissions read (their
    lead and partnerships): `last_date` and `last_stage` of the last shown report."""
    return (
        Pledge.objects.select_related("lead")
        .prefetch_related(Prefetch("partnerships", queryset=PledgePartner.objects.order_by("pk")))
        .defer("description", "search_vector")
        .annotate(last_date=_last_shown("date"), last_stage=_last_shown("stage"))
        .order_by("pk")
    )


def pledges_of(actor: Actor):
    """The published pledges an organisation reports on: those it leads and those it is a
    confirmed partner of."""
    partner = PledgePartner.objects.filter(
        pledge=OuterRef("pk"), actor=actor, status=PledgePartner.Status.CONFIRMED
    )
    return pledges().filter(Q(lead=actor) | Exists(partner), status=Pledge.Status.PUBLISHED)


def indicators_of(pledge_ids) -> dict[int, list[Indicator]]:
    """The pledges' indicators in their order, by pledge, each with `pledge_id` and `latest`
    (the value of its latest shown actual, by the end of its period)."""
    latest = IndicatorActual.objects.shown(sees_hidden=False).filter(indicator=OuterRef("pk"))
    indicators = (
        Indicator.objects.filter(result__pledge_id__in=pledge_ids)
        .annotate(
            pledge_id=F("result__pledge_id"),
            latest=Subquery(latest.order_by("-period_end", "-pk").values("value")[:1]),
        )
        .order_by("result__pledge_id", "result__position", "result__pk", "position", "pk")
    )
    found: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        found.setdefault(indicator.pledge_id, []).append(indicator)
    return found


def rounds_of(pledge_ids) -> dict[int, tuple[ReportingRound, bool]]:
    """The open round that asks each pledge for a report, and whether it has reported in it
    (one query per open round; the first open round that asks it wins)."""
    found: dict[int, tuple[ReportingRound, bool]] = {}
    for round_ in ReportingRound.objects.open_now():
        asked = round_.due_pledges().filter(pk__in=pledge_ids).order_by()
        reported = asked.annotate(done=round_.reported_condition()).values_list("pk", "done")
        for pk, done in reported:
            found.setdefault(pk, (round_, done))
    return found
