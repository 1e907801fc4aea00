from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.db.models import Count, F
from django.urls import reverse

from actors.models import Actor, Membership, User
from actors.permissions import has_mfa
from reviews import demo
from reviews.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Comment, Pledge

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_marked_organisations_and_working_accounts(settings):
    settings.DEBUG = True

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    demo = Actor.objects.filter(is_demo=True)
    assert demo.count() == 4
    assert all("(demo)" in name for name in demo.values_list("name", flat=True))
    focal = authenticate(email="focal.state@demo.example.org", password=DEMO_PASSWORD)
    assert focal.memberships.get().role == Membership.Role.FOCAL_POINT
    assert (
        User.objects.get(email="moderator@demo.example.org")
        .groups.filter(name="Moderators")
        .exists()
    )
    assert User.objects.get(email="admin@demo.example.org").is_superuser
    assert has_mfa(focal) and has_mfa(User.objects.get(email="moderator@demo.example.org"))
    assert EmailAddress.objects.get(user=focal).verified
    assert User.objects.filter(email__endswith="@demo.example.org").count() == 8


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", verbosity=0)
    assert not Actor.objects.filter(is_demo=True).exists()


def test_demo_totp_prints_the_code_the_demo_accounts_accept(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    focal = User.objects.get(email="focal.state@demo.example.org")

    call_command("demo_totp")

    code = capsys.readouterr().out.strip()
    assert TOTP(Authenticator.objects.get(user=focal, type="totp")).validate_code(code)


def test_seed_demo_adds_comments_with_replies_on_published_pledges(settings):
    settings.DEBUG = True

    call_command("seed_demo", pledges=30, comments=30, verbosity=0)

    comments = Comment.objects.all()
    assert comments.count() == 30
    assert comments.filter(parent__isnull=False).exists()
    assert not comments.exclude(pledge__status="published").exists()


def test_seed_demo_runs_without_debug_only_when_asked(settings):
    settings.DEBUG = False

    call_command("seed_demo", pledges=10, comments=10, allow_without_debug=True, verbosity=0)

    assert Actor.objects.filter(is_demo=True).count() == 4
    assert Comment.objects.count() == 10


def test_one_pledge_carries_a_long_public_conversation(settings):
    settings.DEBUG = True

    call_command("seed_demo", pledges=40, comments=1000, verbosity=0)

    busiest = (
        Comment.objects.public()
        .values("pledge")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    assert busiest >= 200
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.count() >= 200
    assert not replies.exclude(pledge=F("parent__pledge")).exists()
    assert not replies.filter(created_at__lt=F("parent__created_at")).exists()


def test_a_failed_seed_says_what_it_had_committed(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(demo, "COMMENT_BATCH", 50)
    real = demo._comment_batch
    calls = []

    def fail_on_third_batch(size, *args):
        calls.append(size)
        if len(calls) == 3:
            raise IntegrityError("the database refused a row")
        return real(size, *args)

    monkeypatch.setattr(demo, "_comment_batch", fail_on_third_batch)

    with pytest.raises(CommandError, match="20 new pledges and 110 new comments were committed"):
        call_command("seed_demo", pledges=20, comments=300, verbosity=0)
    assert Pledge.objects.count() == 20
    assert Comment.objects.count() == 110


def test_seeded_pledges_retire_the_cached_statistics(settings, client):
    """Its bulk inserts send no model signals: seed_demo itself retires the statistics' cache."""
    settings.DEBUG = True
    call_command("seed_demo", pledges=0, comments=0, verbosity=0)
    url = reverse("api:stats-coverage")
    before = client.get(url).json()

    call_command("seed_demo", pledges=30, comments=0, verbosity=0)

    assert client.get(url).json() != before


def test_demo_descriptions_name_words_of_the_curated_texts_few_often_most_rarely(settings):
    settings.DEBUG = True
    vocabulary = set(demo._vocabulary()[0])

    call_command("seed_demo", pledges=400, comments=0, verbosity=0)

    named = Counter()
    for description in Pledge.objects.values_list("description", flat=True):
        head, _, words = description.partition(demo.VOCABULARY_SENTENCE.split("{")[0])
        assert head and words.endswith(".")
        drawn = words.removesuffix(".").split(", ")
        assert len(drawn) == demo.VOCABULARY_WORDS and set(drawn) <= vocabulary
        named.update(set(drawn))
    counts = sorted(named.values(), reverse=True)
    # Zipf-like: the commonest word is in many descriptions, the typical one in very few.
    assert len(vocabulary) > 300 and counts[0] >= 40 and counts[len(counts) // 2] <= 3


def test_demo_titles_and_summaries_each_name_a_word_of_the_curated_texts(settings):
    settings.DEBUG = True
    vocabulary = set(demo._vocabulary()[0])

    call_command("seed_demo", pledges=400, comments=0, verbosity=0)

    in_titles, in_summaries = Counter(), Counter()
    for title, summary in Pledge.objects.values_list("title", "summary"):
        theme_word, _, number = title.rpartition(" (demo ")
        assert number.removesuffix(")").isdigit()
        in_titles[theme_word.rpartition(": ")[2].lower()] += 1
        in_summaries[summary.removesuffix(".").rpartition(", with attention to ")[2]] += 1
    for named in (in_titles, in_summaries):
        assert set(named) <= vocabulary
        # A long tail: many different words, most of them in one or two pledges.
        counts = sorted(named.values(), reverse=True)
        assert len(named) > 100 and counts[len(counts) // 2] <= 2
