"""The moderation log and the pledges' transitions are append-only: created, never changed.

In code on every database (the AppendOnly model and queryset); on PostgreSQL the database itself
refuses UPDATE, DELETE and TRUNCATE too. The test settings lift that refusal for their own
connection (`portal.allow_log_rewrite`, so that test databases can be flushed); the database tests
therefore open a second connection without it, as production connects.
"""

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError

from reviews import services
from reviews.models import ModerationLogEntry, PledgeTransition
from tests.factories import CommentFactory, PledgeFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@pytest.fixture
def transition(focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    services.pledge_submit(pledge=pledge, by=focal_a)
    return PledgeTransition.objects.get(pledge=pledge)


@pytest.fixture
def log_entry(moderator):
    return services.log_moderation(
        moderator, ModerationLogEntry.Action.COMMENT_HIDE, CommentFactory(), "Insults."
    )


# In code, on every database ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transition_is_still_recorded_by_the_services(transition, focal_a, actor_a):
    assert (transition.from_status, transition.to_status) == ("draft", "submitted")
    assert (transition.user, transition.actor) == (focal_a, actor_a)


@pytest.mark.django_db
def test_a_transition_cannot_be_saved_again_or_deleted(transition):
    transition.reason = "Rewritten."

    with pytest.raises(PermissionError, match="history cannot be changed"):
        transition.save()
    with pytest.raises(PermissionError):
        transition.save(update_fields=["reason"])
    with pytest.raises(PermissionError):
        transition.delete()
    transition.refresh_from_db()
    assert transition.reason == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(reason="Rewritten."),
        lambda qs: qs.filter(to_status="submitted").delete(),
        lambda qs: qs.delete(),
        lambda qs: PledgeTransition.objects.bulk_update(
            [PledgeTransition(pk=t.pk, reason="Rewritten.") for t in qs], ["reason"]
        ),
        lambda qs: PledgeTransition.objects.bulk_create(
            [
                PledgeTransition(
                    pk=t.pk, pledge_id=t.pledge_id, from_status="draft", to_status="published"
                )
                for t in qs
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["to_status"],
        ),
    ],
    ids=["update", "filtered-delete", "delete", "bulk-update", "bulk-create-upsert"],
)
def test_transitions_cannot_be_changed_in_bulk(transition, change):
    with pytest.raises(PermissionError), transaction.atomic():
        change(PledgeTransition.objects.all())

    assert list(PledgeTransition.objects.values_list("pk", "to_status", "reason")) == [
        (transition.pk, "submitted", "")
    ]


@pytest.mark.django_db
def test_a_pledge_with_a_history_cannot_be_deleted(transition):
    # A cascade would delete the history; PROTECT keeps the pledge and its transitions.
    with pytest.raises(ProtectedError):
        transition.pledge.delete()

    assert PledgeTransition.objects.filter(pk=transition.pk).exists()


@pytest.mark.django_db
def test_the_user_and_actor_of_a_transition_cannot_be_deleted(transition):
    # SET_NULL would rewrite who moved the pledge; the history keeps them.
    with pytest.raises(ProtectedError):
        transition.user.delete()
    with pytest.raises(ProtectedError):
        transition.actor.delete()


# In the database, on PostgreSQL --------------------------------------------------------------


@pytest.fixture
def strict_connection(transactional_db):
    """A connection to the test database without the tests' switch, as production connects."""
    settings = connection.settings_dict
    strict = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    yield strict
    strict.close()


def _refused(strict, statement: str, params=()) -> str:
    with (
        pytest.raises(psycopg.errors.RaiseException) as refusal,
        strict.transaction(),
        strict.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    return str(refusal.value)


STATEMENTS = {
    "log_entry": (
        "UPDATE reviews_moderationlogentry SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM reviews_moderationlogentry WHERE id = %s",
        "TRUNCATE reviews_moderationlogentry",
        "TRUNCATE reviews_moderationlogentry CASCADE",
        "SELECT id, reason FROM reviews_moderationlogentry",
    ),
    "transition": (
        "UPDATE reviews_pledgetransition SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM reviews_pledgetransition WHERE id = %s",
        "TRUNCATE reviews_pledgetransition",
        "TRUNCATE reviews_pledgetransition CASCADE",
        "SELECT id, reason FROM reviews_pledgetransition",
    ),
}


@postgresql_only
@pytest.mark.parametrize("kind", STATEMENTS)
def test_the_database_refuses_update_delete_and_truncate(kind, strict_connection, request):
    row = request.getfixturevalue(kind)
    update, delete, truncate, truncate_cascade, select = STATEMENTS[kind]

    assert "UPDATE of" in _refused(strict_connection, update, [row.pk])
    assert "DELETE of" in _refused(strict_connection, delete, [row.pk])
    assert "TRUNCATE of" in _refused(strict_connection, truncate)
    assert "TRUNCATE of" in _refused(strict_connection, truncate_cascade)

    with strict_connection.cursor() as cursor:
        cursor.execute(select)
        assert cursor.fetchall() == [(row.pk, row.reason)]


@postgresql_only
def test_the_database_still_accepts_new_rows(strict_connection, transition):
    with strict_connection.transaction(), strict_connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reviews_moderationlogentry"
            " (action, target_type, target_id, target_label, reason, created_at)"
            " VALUES ('comment-hide', 'comment', 1, 'x', '', now())"
        )
        cursor.execute(
            "INSERT INTO reviews_pledgetransition"
            " (pledge_id, from_status, to_status, reason, created_at)"
            " VALUES (%s, 'submitted', 'published', '', now())",
            [transition.pledge_id],
        )

    assert ModerationLogEntry.objects.count() == 1
    assert PledgeTransition.objects.count() == 2


@postgresql_only
@pytest.mark.django_db
def test_only_the_test_settings_lift_the_protection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('portal.allow_log_rewrite', true)")
        assert cursor.fetchone() == ("on",)
