import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from actors.models import Actor, Membership, User
from actors.permissions import has_mfa
from reviews.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Comment

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
