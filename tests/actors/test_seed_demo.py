import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from actors.management.commands.seed_demo import DEMO_PASSWORD
from actors.models import Actor, Membership, User

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
    assert User.objects.filter(email__endswith="@demo.example.org").count() == 8


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", verbosity=0)
    assert not Actor.objects.filter(is_demo=True).exists()
