"""The soak's writers sign in with API tokens of the seed_demo accounts, fresh for every run."""

import pytest
from django.core.management import call_command

from actors.models import ApiToken, Membership
from bench.soak import accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo", pledges=0, comments=0, verbosity=0)


def test_every_writer_gets_a_working_token_and_editors_their_organisation(demo):
    issued = accounts.issue()

    for entry in issued["commenters"] + issued["editors"]:
        assert ApiToken.objects.authenticate(entry["token"]).user.email == entry["email"]
    for entry in issued["editors"]:
        membership = Membership.objects.get(user__email=entry["email"])
        assert entry["lead"] == membership.actor_id
    assert len(issued["commenters"]) == accounts.FRESH_COMMENTERS


def test_each_run_comments_with_new_verified_people(demo):
    from allauth.account.models import EmailAddress

    first = {e["email"] for e in accounts.issue()["commenters"]}
    second = {e["email"] for e in accounts.issue()["commenters"]}

    assert len(first) == len(second) == accounts.FRESH_COMMENTERS
    assert not first & second and not first & set(accounts.COMMENTERS)
    assert EmailAddress.objects.filter(email__in=first | second, verified=True).count() == len(
        first | second
    )


def test_without_fresh_people_the_demo_accounts_comment(demo, monkeypatch):
    monkeypatch.setattr(accounts, "FRESH_COMMENTERS", 0)

    issued = accounts.issue()

    assert {e["email"] for e in issued["commenters"]} == set(accounts.COMMENTERS)


def test_a_new_run_revokes_the_tokens_of_the_last_one(demo):
    old = accounts.issue()["commenters"][0]["token"]
    new = accounts.issue()["commenters"][0]["token"]
    assert ApiToken.objects.authenticate(old) is None
    assert ApiToken.objects.authenticate(new) is not None


def test_without_the_demo_accounts_it_says_to_seed_them(db):
    with pytest.raises(SystemExit, match="seed_demo"):
        accounts.issue()
