"""Two people saving the same version of a pledge: exactly one wins, the other keeps their text."""

import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from actors.models import Membership
from reviews import services
from reviews.models import Pledge
from reviews.services import PledgeConflict
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    PledgeFactory,
    VerifiedUserFactory,
    pledge_form_data,
)

WINNER_OR_LOSER = ["Text typed by the first editor.", "Text typed by the second editor."]


def _save_in_parallel(pledge_pk, users, version) -> list[tuple]:
    """PostgreSQL: two threads, each with its own connection, save the same version at once."""
    barrier = threading.Barrier(len(users))
    outcomes = []

    def save(user, text):
        try:
            pledge = Pledge.objects.get(pk=pledge_pk)
            barrier.wait(timeout=10)
            services.pledge_update(
                pledge=pledge, by=user, version=version, data={"description": text}
            )
            outcomes.append(("saved", text))
        except PledgeConflict as conflict:
            outcomes.append(("conflict", text, conflict.current.version))
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            outcomes.append(("error", repr(error)))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(user, text))
        for user, text in zip(users, WINNER_OR_LOSER, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _save_in_sequence(pledge_pk, users, version) -> list[tuple]:
    """SQLite's in-memory test database cannot be shared by threads: the same two saves of the
    same stale version, one after the other."""
    outcomes = []
    for user, text in zip(users, WINNER_OR_LOSER, strict=True):
        pledge = Pledge.objects.get(pk=pledge_pk)
        try:
            services.pledge_update(
                pledge=pledge, by=user, version=version, data={"description": text}
            )
            outcomes.append(("saved", text))
        except PledgeConflict as conflict:
            outcomes.append(("conflict", text, conflict.current.version))
    return outcomes


def test_two_simultaneous_saves_of_one_version_exactly_one_wins(transactional_db):
    actor = ActorFactory()
    users = [VerifiedUserFactory(), VerifiedUserFactory()]
    for user in users:
        MembershipFactory(user=user, actor=actor, role=Membership.Role.CONTRIBUTOR)
    pledge = PledgeFactory(lead=actor, description="The text both editors started from.")
    start = pledge.version
    history_before = pledge.history.count()

    if connection.vendor == "postgresql":
        outcomes = _save_in_parallel(pledge.pk, users, start)
    else:
        outcomes = _save_in_sequence(pledge.pk, users, start)

    assert sorted(o[0] for o in outcomes) == ["conflict", "saved"], outcomes
    [winner] = [o[1] for o in outcomes if o[0] == "saved"]
    [loser] = [o for o in outcomes if o[0] == "conflict"]
    assert loser[2] == start + 1, "the loser is shown the winner's version"
    pledge.refresh_from_db()
    assert pledge.version == start + 1
    assert pledge.description == winner
    assert pledge.history.count() == history_before + 1, "the loser wrote nothing"


@pytest.mark.django_db
def test_a_save_of_an_older_version_gets_a_409_with_both_texts_and_can_then_replace(
    client, contributor_a, focal_a, actor_a
):
    pledge = PledgeFactory(lead=actor_a, description="Original text of the pledge.")
    edit_url = reverse("reviews:pledge-edit", args=[pledge.pk])
    client.force_login(focal_a)
    opened = client.get(edit_url)
    assert opened.context["form"]["version"].value() == 1
    mine = pledge_form_data(pledge, description="My own careful rewrite of the pledge.")
    client.force_login(contributor_a)
    client.post(edit_url, pledge_form_data(pledge, description="The colleague's saved text."))
    client.force_login(focal_a)

    response = client.post(edit_url, mine)

    assert response.status_code == 409
    content = response.content.decode()
    conflict = re.search(r'<section class="conflict".*?</section>', content, re.S).group()
    assert "The colleague&#x27;s saved text." in conflict
    textarea = re.search(r'<textarea name="description".*?</textarea>', content, re.S).group()
    assert "My own careful rewrite of the pledge." in textarea
    assert "Someone saved this pledge while you were editing it." in content
    form = response.context["form"]
    assert form["description"].value() == "My own careful rewrite of the pledge."
    assert form["version"].value() == 2
    pledge.refresh_from_db()
    assert (pledge.description, pledge.version) == ("The colleague's saved text.", 2)

    again = client.post(edit_url, {**mine, "version": form["version"].value()})

    assert again.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.description, pledge.version) == ("My own careful rewrite of the pledge.", 3)


@pytest.mark.django_db
def test_a_save_without_a_version_is_refused_as_a_conflict(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, title="Before")
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, title="After", version=""),
    )

    assert response.status_code == 409
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Before", 1)
