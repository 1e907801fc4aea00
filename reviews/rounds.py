"""Reporting rounds at work: who has and has not reported (the round's page, the API), and the
requests and reminders the scheduler sends (reviews.tasks.send_round_reminders).

The rates are counted live, in one grouped query per breakdown, over the pledges the round
asks (ReportingRound.due_pledges) and whether each reported in it; they equal a count by
hand. A person is reminded once per step of a round about each of their organisations' due
pledges that has not reported, in one notification per step listing them (a focal point of
forty pledges receives one reminder, not forty), through the one notification path, so each
person's preferences apply.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from actors.models import Actor, Membership, Region, User
from actors.models.notifications import Kind
from actors.notifications import notify_user
from portal.i18n import interpolate_lazy
from reviews.models import Pledge, PledgePartner, ReportingRound, RoundReminder
from reviews.models.freshness import ONGOING

# A reminder names this many pledges, then says how many more.
NAMED = 10


@dataclass(frozen=True)
class Rate:
    key: str  # the group's value (a kind, a region, a lead's slug); "" for the whole round
    label: str
    due: int
    reported: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.reported / self.due) if self.due else None

    @property
    def missing(self) -> int:
        return self.due - self.reported


GROUP = ("lead_id", "lead__kind", "lead__region")


def _per_lead(round_: ReportingRound) -> dict[tuple, list[int]]:
    """{(lead, kind, region): [asked, reported]} in two grouped queries: the published pledges
    still under way (asked, whether they reported or not), then those that reported in the
    round, driven from its reports (few beside the pledges), of which a report that completed
    the pledge adds one to the asked. Neither query tests every pledge for a report."""
    before = Pledge.objects.filter(
        status=Pledge.Status.PUBLISHED, published_at__lt=round_.starts_at
    ).order_by()
    found: dict[tuple, list[int]] = {}
    under_way = before.filter(implementation_status__in=ONGOING)
    for row in under_way.values(*GROUP).annotate(n=Count("*")):
        found[tuple(row[name] for name in GROUP)] = [row["n"], 0]
    reported = before.filter(pk__in=round_.reports().values("pledge_id"))
    done = ~Q(implementation_status__in=ONGOING)
    counts = {"n": Count("pk"), "done": Count("pk", filter=done)}
    for row in reported.values(*GROUP).annotate(**counts):
        entry = found.setdefault(tuple(row[name] for name in GROUP), [0, 0])
        entry[0] += row["done"]
        entry[1] += row["n"]
    return found


def _summed(found: dict[tuple, list[int]], position: int | None) -> dict:
    totals: dict = {}
    for key, (asked, reported) in found.items():
        entry = totals.setdefault(key[position] if position is not None else "", [0, 0])
        entry[0] += asked
        entry[1] += reported
    return totals


def overall(found) -> Rate:
    asked, reported = _summed(found, None).get("", [0, 0])
    return Rate("", str(_("All pledges asked")), asked, reported)


def by_kind(found) -> list[Rate]:
    labels = dict(Actor.Kind.choices)
    return [
        Rate(kind, str(labels.get(kind, kind)), asked, reported)
        for kind, (asked, reported) in sorted(_summed(found, 1).items())
    ]


def by_region(found) -> list[Rate]:
    labels = dict(Region.choices)
    return [
        Rate(region or "", str(labels.get(region) or _("Not stated")), asked, reported)
        for region, (asked, reported) in sorted(_summed(found, 2).items(), key=lambda i: i[0] or "")
    ]


def by_actor(found) -> list[Rate]:
    """Per lead organisation, those with the most pledges missing first."""
    totals = _summed(found, 0)
    actors = Actor.objects.filter(pk__in=totals).values_list("pk", "slug", "name")
    named = {pk: (slug, name) for pk, slug, name in actors}
    rates = [
        Rate(*named.get(pk, ("", "")), asked, reported) for pk, (asked, reported) in totals.items()
    ]
    return sorted(rates, key=lambda rate: (-rate.missing, rate.label))


@dataclass(frozen=True)
class Rates:
    overall: Rate
    kinds: list[Rate]
    regions: list[Rate]
    actors: list[Rate]
    # (pledge, lead) of each pledge not reported yet, in the order they were made: the page's
    # list is read from here, a page at a time, however few are missing among many.
    missing: tuple[tuple[int, int], ...] = ()


def rates(round_: ReportingRound) -> Rates:
    """Every breakdown of the round's page and API, cached as the statistics are: a report
    saves its pledge, which retires them, so the page moves with each report that commits."""
    from reviews import stats

    def compute():
        found = _per_lead(round_)
        missing = tuple(unreported(round_).values_list("pk", "lead_id"))
        return Rates(overall(found), by_kind(found), by_region(found), by_actor(found), missing)

    return stats.remembered(f"stats:round-rates:{round_.pk}", compute)


def unreported(round_: ReportingRound):
    """The asked pledges that have not reported in the round, in the order they were made.
    Not reported, so asked only while still under way; the round's reports, few beside the
    pledges, are left out as a set (NOT IN), not tested pledge by pledge."""
    return (
        Pledge.objects.filter(
            status=Pledge.Status.PUBLISHED,
            implementation_status__in=ONGOING,
            published_at__lt=round_.starts_at,
        )
        .exclude(pk__in=round_.reports().values("pledge_id"))
        .order_by("pk")
    )


# --- Requests and reminders -------------------------------------------------------------------

TITLES = {
    "opened": _("%(round)s is open: please report on your organisation's pledges"),
    "late": _("The deadline of %(round)s has passed: reports are still missing"),
}
BEFORE = _("%(round)s closes on %(date)s: reports are still missing")


def _recipients(pledges) -> dict[int, set[int]]:
    """{user id: {pledge id}}: the focal points of each pledge's lead and confirmed partners."""
    by_actor: dict[int, set[int]] = {}
    for pledge_id, lead_id in pledges.values_list("pk", "lead_id"):
        by_actor.setdefault(lead_id, set()).add(pledge_id)
    partners = PledgePartner.objects.filter(
        pledge__in=pledges.values("pk"), status=PledgePartner.Status.CONFIRMED
    ).values_list("pledge_id", "actor_id")
    for pledge_id, actor_id in partners:
        by_actor.setdefault(actor_id, set()).add(pledge_id)
    people: dict[int, set[int]] = {}
    focal = Membership.objects.filter(
        actor_id__in=by_actor, role=Membership.Role.FOCAL_POINT, user__is_active=True
    ).values_list("user_id", "actor_id")
    for user_id, actor_id in focal:
        people.setdefault(user_id, set()).update(by_actor[actor_id])
    return people


def _notice(round_: ReportingRound, step: str, titles: list[str], count: int):
    if step in TITLES:
        title = interpolate_lazy(TITLES[step], {"round": round_.name})
    else:
        title = interpolate_lazy(
            BEFORE, {"round": round_.name, "date": round_.closes_on.isoformat()}
        )
    named = "\n".join(f"– {name}" for name in titles[:NAMED])
    more = count - min(count, NAMED)
    body = interpolate_lazy(
        ngettext_lazy(
            "%(count)d pledge of your organisations awaits a progress report in this round:",
            "%(count)d pledges of your organisations await a progress report in this round:",
            count,
        ),
        {"count": count},
    )
    tail = (
        interpolate_lazy(
            ngettext_lazy("… and %(more)d more.", "… and %(more)d more.", more),
            {"more": more},
        )
        if more
        else ""
    )
    return title, _Body(body, named, tail)


class _Body:
    """A notification body worded in the recipient's language when it is read (lazy)."""

    def __init__(self, head, named: str, tail):
        self.head, self.named, self.tail = head, named, tail

    def __str__(self):
        return "\n".join(part for part in (str(self.head), self.named, str(self.tail)) if part)


def send_reminders(day: dt.date | None = None) -> dict[str, int]:
    """Send each reminding round's current step (ReportingRound.step_on) to the people who
    have not had it, about the due pledges that have not reported; returns how many people
    and pledges each round reached."""
    day = day or timezone.localdate()
    sent = {}
    for round_ in ReportingRound.objects.reminding_on(day):
        step = round_.step_on(day)
        if step is not None:
            sent[round_.slug] = _send_step(round_, step)
    return sent


@transaction.atomic
def _send_step(round_: ReportingRound, step: str) -> int:
    pending = unreported(round_)  # the page's list: one definition of who still owes a report
    people = _recipients(pending)
    done = set(
        RoundReminder.objects.filter(round=round_, step=step).values_list("user_id", "pledge_id")
    )
    titles = dict(pending.values_list("pk", "title"))
    told = 0
    for user in User.objects.filter(pk__in=people).order_by("pk"):
        owed = sorted(pk for pk in people[user.pk] if (user.pk, pk) not in done)
        if not owed:
            continue
        RoundReminder.objects.bulk_create(
            [RoundReminder(round=round_, pledge_id=pk, user=user, step=step) for pk in owed]
        )
        title, body = _notice(round_, step, [titles[pk] for pk in owed], len(owed))
        notify_user(
            user=user,
            kind=Kind.REPORTING_ROUND,
            title=title,
            url=f"{round_.get_absolute_url()}#missing",
            body=body,
        )
        told += 1
    return told
