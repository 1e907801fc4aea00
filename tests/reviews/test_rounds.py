"""Reporting rounds: who is asked, the reminders the scheduler sends (each step once per person
and pledge, never after the pledge reported, e-mail only as each person chose), the rates
(equal to a count by hand), the freshness a round makes due, and the round's pages."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, Membership, Notification, Region
from actors.models.notifications import Frequency, Kind
from actors.notifications import set_preferences
from portal.scheduling import task_of
from reviews import rounds, services, tasks
from reviews.models import Pledge, PledgePartner, ReportingRound, ReviewCycle, RoundReminder
from reviews.models.freshness import Freshness
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

OPENS, CLOSES = dt.date(2026, 5, 1), dt.date(2026, 6, 30)
BEFORE = timezone.make_aware(dt.datetime(2026, 3, 1, 12))


def _at(day: dt.date, hour: int = 7):
    return time_machine.travel(
        timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False
    )


def _round(**fields) -> ReportingRound:
    fields = {
        "cycle": ReviewCycle.objects.get(slug="imrf-2026"),
        "name": "IMRF 2026 progress round",
        "slug": "imrf-2026-progress",
        "opens_on": OPENS,
        "closes_on": CLOSES,
        **fields,
    }
    made = ReportingRound(**fields)
    made.full_clean()
    made.save()
    return made


def _focal(actor, **fields):
    user = VerifiedUserFactory(**fields)
    MembershipFactory(user=user, actor=actor, role=Membership.Role.FOCAL_POINT)
    return user


def _published(lead, **fields):
    fields.setdefault("published_at", BEFORE)
    return PledgeFactory(lead=lead, published=True, last_reported_at=BEFORE, **fields)


@pytest.fixture
def field(actor_a, actor_b):
    """Pledges of three organisations, due in the round or not, with their focal points."""
    actor_c = ActorFactory(kind=Actor.Kind.LOCAL_GOVERNMENT, region=Region.AFRICA)
    people = {
        "a": _focal(actor_a),
        "a2": _focal(actor_a),
        "b": _focal(actor_b),
        "c": _focal(actor_c),
        "quiet": _focal(actor_c),
    }
    MembershipFactory(actor=actor_a, role=Membership.Role.CONTRIBUTOR)  # never reminded
    set_preferences(user=people["quiet"], choices={Kind.REPORTING_ROUND: Frequency.OFF})
    joint = _published(actor_a, kind=Pledge.Kind.JOINT, title="Joint with the city")
    PledgePartnerFactory(pledge=joint, actor=actor_c, status=PledgePartner.Status.CONFIRMED)
    pledges = {
        "joint": joint,
        "a": _published(actor_a, title="A alone"),
        "b": _published(actor_b, title="B, which reports in May"),
        "completed": _published(actor_a, implementation_status="completed"),
        "draft": PledgeFactory(lead=actor_a),
        "new": _published(actor_b, published_at=timezone.make_aware(dt.datetime(2026, 5, 3))),
        "withdrawn": _published(actor_b, status=Pledge.Status.WITHDRAWN),
    }
    return {"people": people, "pledges": pledges, "c": actor_c}


def test_a_round_sends_each_step_once_per_person_and_pledge_until_it_reported(field, actor_b):
    round_ = _round()
    people, pledges = field["people"], field["pledges"]
    day = OPENS - dt.timedelta(days=2)
    while day <= CLOSES + dt.timedelta(days=10):
        with _at(day):
            rounds.send_reminders()
            rounds.send_reminders()  # a second run the same day sends nothing more
            if day == dt.date(2026, 5, 20):
                services.progress_update_create(
                    pledge=pledges["b"],
                    by=people["b"],
                    actor=actor_b,
                    date=day,
                    stage="in-progress",
                    narrative="Half done.",
                )
        day += dt.timedelta(days=1)

    sent = Counter(RoundReminder.objects.filter(round=round_).values_list("user", "pledge", "step"))
    assert set(sent.values()) == {1}
    every = ["opened", "before-14", "before-7", "before-1", "late"]
    expected = {
        (people[who].pk, pledges[what].pk, step)
        for who, what in [
            ("a", "joint"),
            ("a2", "joint"),
            ("a", "a"),
            ("a2", "a"),
            ("c", "joint"),
            ("quiet", "joint"),
        ]
        for step in every
    } | {(people["b"].pk, pledges["b"].pk, "opened")}  # it reported before the next step
    assert set(sent) == expected
    # One notification per person and step, whatever the number of their pledges.
    told = Counter(
        Notification.objects.filter(kind=Kind.REPORTING_ROUND).values_list("user", flat=True)
    )
    assert told == {
        people["a"].pk: 5,
        people["a2"].pk: 5,
        people["c"].pk: 5,
        people["quiet"].pk: 5,
        people["b"].pk: 1,
    }
    addressed = Counter(address for message in mail.outbox for address in message.to)
    assert addressed[people["a"].email] == 5
    assert addressed[people["quiet"].email] == 0  # "only in the portal", as they chose


def test_a_scheduler_that_missed_days_sends_only_the_step_reached(field):
    round_ = _round()
    with _at(CLOSES - dt.timedelta(days=3)):  # past "before-14" and "before-7"
        rounds.send_reminders()

    assert set(RoundReminder.objects.filter(round=round_).values_list("step", flat=True)) == {
        "before-7"
    }


def test_the_steps_of_a_round():
    round_ = ReportingRound(opens_on=OPENS, closes_on=CLOSES, reminder_days=[1, 14, 7])
    round_.clean()
    round_.reminders_end_on = CLOSES + dt.timedelta(days=7)
    steps = {
        OPENS - dt.timedelta(days=1): None,
        OPENS: "opened",
        dt.date(2026, 6, 15): "opened",
        dt.date(2026, 6, 16): "before-14",
        dt.date(2026, 6, 23): "before-7",
        dt.date(2026, 6, 29): "before-1",
        CLOSES: "before-1",
        CLOSES + dt.timedelta(days=1): None,
        CLOSES + dt.timedelta(days=7): "late",
        CLOSES + dt.timedelta(days=8): None,
    }
    assert {day: round_.step_on(day) for day in steps} == steps
    assert round_.reminder_days == [14, 7, 1]


@pytest.mark.parametrize("days", [[0], ["7"], [7.5], "7", [True]])
def test_reminder_days_are_whole_days_before_the_deadline(days):
    round_ = ReportingRound(
        cycle=ReviewCycle.objects.first(),
        name="R",
        slug="r",
        opens_on=OPENS,
        closes_on=CLOSES,
        reminder_days=days,
    )
    with pytest.raises(Exception) as raised:
        round_.full_clean()
    assert "reminder_days" in raised.value.message_dict


def test_the_rates_equal_a_count_by_hand(field, actor_a):
    round_ = _round()
    pledges = field["pledges"]
    with _at(dt.date(2026, 5, 10)):
        services.progress_update_create(
            pledge=pledges["a"],
            by=field["people"]["a"],
            actor=actor_a,
            date=dt.date(2026, 5, 10),
            stage="completed",  # a report that completes the pledge counts
            narrative="Done.",
        )
        asked = [p for p in Pledge.objects.filter(status="published") if _asked(round_, p)]
        reported = {p.pk for p in asked if _reported(round_, p)}
        rates = rounds.rates(round_)

    assert {p.pk for p in asked} == {pledges[k].pk for k in ("joint", "a", "b")}
    assert (rates.overall.due, rates.overall.reported) == (len(asked), len(reported))
    by_kind = Counter((p.lead.kind, p.pk in reported) for p in asked)
    assert {(r.key, r.due, r.reported) for r in rates.kinds} == {
        (kind, by_kind[(kind, False)] + by_kind[(kind, True)], by_kind[(kind, True)])
        for kind, _ in by_kind
    }
    assert {(r.key, r.due, r.reported) for r in rates.actors} == {
        (actor_a.slug, 2, 1),
        (pledges["b"].lead.slug, 1, 0),
    }
    assert rates.actors[0].missing >= rates.actors[-1].missing


def _asked(round_, pledge) -> bool:
    return pledge.published_at < round_.starts_at and (
        pledge.implementation_status in ("planned", "in-progress") or _reported(round_, pledge)
    )


def _reported(round_, pledge) -> bool:
    return pledge.progress_updates.filter(
        is_hidden=False, created_at__gte=round_.starts_at
    ).exists()


def test_an_open_round_makes_a_pledge_that_has_not_reported_in_it_due(field, actor_a):
    pledge = field["pledges"]["a"]
    with _at(dt.date(2026, 4, 20)):  # reported six weeks ago: green, no round open
        assert pledge.freshness_at() == Freshness.GREEN
    _round()
    with _at(dt.date(2026, 5, 2)):
        assert pledge.freshness_at() == Freshness.AMBER
        assert Pledge.objects.freshness("amber").filter(pk=pledge.pk).exists()
        services.progress_update_create(
            pledge=pledge,
            by=field["people"]["a"],
            actor=actor_a,
            date=dt.date(2026, 5, 2),
            stage="in-progress",
            narrative="On track.",
        )
        pledge.refresh_from_db()
        assert pledge.freshness_at() == Freshness.GREEN
    with _at(CLOSES + dt.timedelta(days=1)):
        assert field["pledges"]["joint"].freshness_at() == Freshness.GREEN  # the round closed


def test_the_round_page_shows_the_rates_and_who_has_not_reported(client, field, actor_a):
    round_ = _round()
    with _at(dt.date(2026, 5, 5)):
        response = client.get(round_.get_absolute_url())
        narrowed = client.get(round_.get_absolute_url(), {"actor": actor_a.slug})
        listed = client.get(reverse("reviews:round-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 3 pledges asked have reported." in html
    missing = [p.pk for p in response.context["page"]]
    pledges = field["pledges"]
    assert missing == sorted(pledges[k].pk for k in ("joint", "a", "b"))
    assert [p.pk for p in narrowed.context["page"]] == sorted(pledges[k].pk for k in ("joint", "a"))
    assert round_.get_absolute_url() in listed.content.decode()
    assert client.get(reverse("reviews:round-detail", args=["no-such-round"])).status_code == 404


def test_the_round_page_moves_with_each_report(
    client, field, actor_a, django_capture_on_commit_callbacks
):
    round_ = _round()
    with _at(dt.date(2026, 5, 5)):
        client.get(round_.get_absolute_url())  # its figures cached
        with django_capture_on_commit_callbacks(execute=True):
            services.progress_update_create(
                pledge=field["pledges"]["a"],
                by=field["people"]["a"],
                actor=actor_a,
                date=dt.date(2026, 5, 5),
                stage="in-progress",
                narrative="Going.",
            )
        html = client.get(round_.get_absolute_url()).content.decode()
    assert "1 of 3 pledges asked have reported." in html


def test_the_round_page_costs_the_same_queries_however_many_pledges(
    client, field, actor_a, django_assert_max_num_queries
):
    from django.core.cache import cache

    round_ = _round()
    with _at(dt.date(2026, 5, 5)):
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(round_.get_absolute_url())
        for number in range(20):
            _published(ActorFactory(), title=f"More {number}")
        cache.clear()
        with django_assert_max_num_queries(len(few)):
            client.get(round_.get_absolute_url())


def test_the_scheduler_sends_the_round_reminders_every_morning_before_the_digests():
    CrontaskCommand().load_tasks({})
    jobs = {job.name: job for job in scheduler.get_jobs()}
    reminding = jobs["send_round_reminders"]
    assert task_of(reminding) is tasks.send_round_reminders
    start = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
    morning = reminding.trigger.get_next_fire_time(None, start)
    digests = jobs["send_digests"].trigger.get_next_fire_time(None, start)
    assert morning < digests and (morning.hour, morning.minute) == (5, 30)


def test_the_task_sends_the_reminders(field):
    _round()
    with _at(OPENS):
        result = tasks.send_round_reminders.call()
    assert result == {"imrf-2026-progress": 5}


def test_the_api_lists_the_rounds_and_gives_a_rounds_rates(field):
    from rest_framework.test import APIClient

    round_ = _round()
    api = APIClient()
    with _at(dt.date(2026, 5, 5)):
        listed = api.get(reverse("api:round-list")).json()
        detail = api.get(reverse("api:round-detail", args=[round_.slug])).json()

    assert [row["slug"] for row in listed["results"]] == [round_.slug]
    assert listed["results"][0]["reminder_days"] == [14, 7, 1]
    assert detail["rates"]["overall"] == {
        "key": "",
        "label": "All pledges asked",
        "due": 3,
        "reported": 0,
        "percent": 0,
    }
    assert {row["key"]: row["due"] for row in detail["rates"]["actors"]} == {
        field["pledges"]["a"].lead.slug: 2,
        field["pledges"]["b"].lead.slug: 1,
    }


def test_the_round_page_pages_the_missing_and_takes_any_actor_parameter(client, field):
    round_ = _round()
    with _at(dt.date(2026, 5, 5)):
        for value in ["", "no-such-organisation", "a\x00b", "%00"]:
            response = client.get(round_.get_absolute_url(), {"actor": value})
            assert response.status_code == 200
        assert (
            list(client.get(round_.get_absolute_url(), {"actor": "nobody"}).context["page"]) == []
        )
        second = client.get(round_.get_absolute_url(), {"page": 2})
    assert second.status_code == 200 and list(second.context["page"]) == []
