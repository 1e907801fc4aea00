"""`make backup` / `make restore` (deploy/backup.py): a round trip keeps every row of every table
and every attachment byte for byte, with the media on the file system or in an S3 bucket."""

import importlib.util
import uuid

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from tests.factories import CommentFactory, PledgeFactory
from tests.portal.test_storage import bucket, s3_endpoint  # noqa: F401 — fixtures

POSTGRESQL = connection.vendor == "postgresql"
pytestmark = pytest.mark.skipif(
    not POSTGRESQL, reason="backups are pg_dump/pg_restore of a PostgreSQL database"
)
# pg_dump reads what other connections can see: the data must be committed. (Skipped tests
# carry no database mark: the suite refills the reference data after each transactional test.)
committed = pytest.mark.django_db(transaction=True) if POSTGRESQL else pytest.mark.skip

_spec = importlib.util.spec_from_file_location(
    "deploy_backup", django_settings.BASE_DIR / "deploy" / "backup.py"
)
backup_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_script)

# Not UTF-8, with NUL bytes and line ends a text copy would mangle.
ATTACHMENT = bytes(range(256)) * 64 + b"\r\n\x00end"


def _server(name: str):
    db = connection.settings_dict
    params = {"dbname": name, "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    params["password"] = db["PASSWORD"]
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


@pytest.fixture
def target_url():
    """An empty database beside the test database, dropped afterwards."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _server("postgres") as server:
        server.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    yield f"postgres://{db['USER']}{password}@{where}/{name}"
    with _server("postgres") as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _counts(url: str | None = None) -> dict[str, int]:
    config = backup_script.database_config(url)
    with backup_script._connect(config) as conn, conn.cursor() as cursor:
        return backup_script.table_counts(cursor)


def _data():
    """Rows in many tables (pledges, their history, comments, users…), and two attachments."""
    pledges = []
    for index, suffix in enumerate((".pdf", ".xlsx")):
        pledge = PledgeFactory(published=True)
        pledge.attachment.save(f"plan{suffix}", ContentFile(ATTACHMENT + bytes([index])))
        pledge.attachment_name = f"Plan{suffix}"
        pledge.save()
        CommentFactory.create_batch(3, pledge=pledge)
        pledges.append(pledge)
    return pledges


def _wipe_storage():
    for name in list(backup_script._walk(default_storage)):
        default_storage.delete(name)


@committed
def test_a_round_trip_keeps_every_row_of_every_table_and_every_attachment(
    media, target_url, tmp_path
):
    pledges = _data()
    before = _counts()
    archive = backup_script.backup(tmp_path / "backups")
    _wipe_storage()

    assert backup_script.restore(archive, database_url=target_url) == []

    after = _counts(target_url)
    assert after == before
    assert after["public.reviews_pledge"] == 2 and after["public.reviews_comment"] == 6
    for index, pledge in enumerate(pledges):
        with default_storage.open(pledge.attachment.name, "rb") as handle:
            assert handle.read() == ATTACHMENT + bytes([index])

    # Restoring again, over a database in use, replaces its rows.
    with _server(target_url.rsplit("/", 1)[1]) as target:
        target.execute("DELETE FROM reviews_comment")
    assert backup_script.restore(archive, database_url=target_url) == []
    assert _counts(target_url) == before


@committed
def test_the_check_after_restoring_names_a_lost_row_and_a_changed_file(media, target_url, tmp_path):
    [pledge, _other] = _data()
    archive = backup_script.backup(tmp_path / "backups")
    assert backup_script.restore(archive, database_url=target_url) == []
    with _server(target_url.rsplit("/", 1)[1]) as target:
        target.execute(
            "DELETE FROM reviews_comment WHERE id = (SELECT min(id) FROM reviews_comment)"
        )
    default_storage.delete(pledge.attachment.name)
    default_storage.save(pledge.attachment.name, ContentFile(b"not the same"))

    assert backup_script.differences(archive, database_url=target_url) == [
        "table public.reviews_comment: 5 rows, the backup has 6",
        f"file {pledge.attachment.name}: differs from the backup",
    ]


@committed
def test_media_in_an_s3_bucket_is_backed_up_and_restored_through_the_storage(
    bucket,  # noqa: F811 — the fixture
    target_url,
    tmp_path,
):
    pledges = _data()
    archive = backup_script.backup(tmp_path / "backups")
    assert sorted(p.name for p in (archive / "media").rglob("*") if p.is_file()) == sorted(
        pledge.attachment.name.rsplit("/", 1)[1] for pledge in pledges
    )
    _wipe_storage()
    assert bucket.list_objects_v2(Bucket="portal-attachments").get("Contents", []) == []

    assert backup_script.restore(archive, database_url=target_url) == []
    for index, pledge in enumerate(pledges):
        body = bucket.get_object(Bucket="portal-attachments", Key=pledge.attachment.name)["Body"]
        assert body.read() == ATTACHMENT + bytes([index])


def test_a_backup_needs_postgresql(tmp_path):
    with pytest.raises(backup_script.BackupError, match="PostgreSQL"):
        backup_script.database_config(f"sqlite:///{tmp_path / 'db.sqlite3'}")


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(backup_script.BackupError, match="not a backup"):
        backup_script.restore(tmp_path)
