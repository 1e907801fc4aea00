"""Many people commenting at the same moment: every comment is stored once and counted.

On PostgreSQL the comments are posted by real threads, each with its own connection, released
together by a barrier. SQLite's in-memory test database cannot be shared by threads, so there the
same comments are posted one after the other and the same assertions hold.
"""

import datetime as dt
import threading

from django.core.cache import cache
from django.db import connection, connections

from actors.models import Notification
from actors.models.notifications import Kind
from portal.ratelimit import RateLimited
from reviews import services
from reviews.models import Comment
from reviews.services import comments as comment_services
from reviews.views.comments import load_threads
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

PEOPLE = 50


def _post_in_parallel(jobs) -> list[tuple]:
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def post(job):
        try:
            barrier.wait(timeout=30)
            outcomes.append(_attempt(job))
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            outcomes.append(("error", repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _post_in_sequence(jobs) -> list[tuple]:
    return [_attempt(job) for job in jobs]


def _attempt(job) -> tuple:
    try:
        return ("posted", services.comment_post(**job).pk)
    except RateLimited:
        return ("refused", None)


def _post(jobs):
    if connection.vendor == "postgresql":
        return _post_in_parallel(jobs)
    return _post_in_sequence(jobs)


def test_fifty_people_commenting_at_once_are_all_stored_and_counted(
    transactional_db, client, monkeypatch
):
    monkeypatch.setattr(comment_services, "COMMENT_RATE", (1000, 600))
    lead = ActorFactory()
    focal = VerifiedUserFactory()
    MembershipFactory(user=focal, actor=lead)
    pledge = PledgeFactory(lead=lead, published=True)
    update = ProgressUpdateFactory(pledge=pledge)
    people = [VerifiedUserFactory() for _ in range(PEOPLE)]
    jobs = [
        {
            "user": person,
            "target_field": "progress_update" if n % 2 else "pledge",
            "target": update if n % 2 else pledge,
            "body": f"Comment by person {n}.",
        }
        for n, person in enumerate(people)
    ]

    outcomes = _post(jobs)

    assert sorted(o[0] for o in outcomes) == ["posted"] * PEOPLE, outcomes
    assert Comment.objects.count() == PEOPLE
    assert len({pk for _, pk in outcomes}) == PEOPLE
    assert set(Comment.objects.values_list("author", flat=True)) == {p.pk for p in people}
    assert Comment.objects.filter(pledge=pledge).count() == PEOPLE // 2
    assert Comment.objects.filter(progress_update=update).count() == PEOPLE // 2
    told = Notification.objects.filter(user=focal, kind=Kind.PLEDGE_COMMENT)
    assert told.count() == PEOPLE, "the lead hears of every comment once"
    response = client.get(pledge.get_absolute_url())
    assert len(response.context["thread"]) == PEOPLE // 2
    assert f"Comments on this report ({PEOPLE // 2})" in response.content.decode()


def test_one_person_posting_fifty_replies_at_once_gets_them_all_in_one_thread(
    transactional_db, monkeypatch
):
    monkeypatch.setattr(comment_services, "COMMENT_RATE", (1000, 600))
    pledge = PledgeFactory(published=True)
    person = VerifiedUserFactory()
    top = services.comment_post(
        user=VerifiedUserFactory(), target_field="pledge", target=pledge, body="Opening."
    )
    jobs = [
        {
            "user": person,
            "target_field": "pledge",
            "target": pledge,
            "body": f"Reply {n}.",
            "parent": top,
        }
        for n in range(PEOPLE)
    ]

    outcomes = _post(jobs)

    assert [o[0] for o in outcomes] == ["posted"] * PEOPLE, outcomes
    assert Comment.objects.count() == PEOPLE + 1
    assert top.replies.count() == PEOPLE
    [thread] = load_threads(person, "pledge", [pledge.pk])[pledge.pk]
    assert len(thread.replies.all()) == PEOPLE
    assert Notification.objects.filter(user=top.author, kind=Kind.REPLY).count() == PEOPLE


def test_the_rate_limit_holds_when_one_person_posts_many_at_once(transactional_db, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    limit, _window = services.COMMENT_RATE
    pledge = PledgeFactory(published=True)
    person = VerifiedUserFactory()
    jobs = [
        {"user": person, "target_field": "pledge", "target": pledge, "body": f"Spam {n}."}
        for n in range(3 * limit)
    ]

    outcomes = _post(jobs)

    assert sum(1 for o in outcomes if o[0] == "posted") == limit, outcomes
    assert Comment.objects.count() == limit


def test_a_request_arriving_between_another_ones_read_and_write_cannot_pass_the_limit(
    db, monkeypatch, time_machine
):
    """Two workers with a shared cache: the second reads the count while the first is still
    deciding. Whatever the interleaving, no more than the limit get through."""
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    limit, _window = services.COMMENT_RATE
    pledge = PledgeFactory(published=True)
    person = VerifiedUserFactory()
    for n in range(limit - 1):
        services.comment_post(user=person, target_field="pledge", target=pledge, body=f"{n}")
    real_get = cache.get
    other = {"user": person, "target_field": "pledge", "target": pledge, "body": "Other."}
    interleaved = []

    def get_then_let_another_request_in(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        if key.startswith("ratelimit:") and not interleaved:
            interleaved.append(None)
            interleaved[0] = _attempt(other)
        return value

    monkeypatch.setattr(cache, "get", get_then_let_another_request_in)

    outcome = _attempt({"user": person, "target_field": "pledge", "target": pledge, "body": "Me."})

    # (The other request ran inside this one's transaction, so only the decisions are compared.)
    assert sorted([outcome[0], interleaved[0][0]]) == ["posted", "refused"], "one slot was left"
