"""Back up and restore the portal: the PostgreSQL database and the media files, in one archive.

    python deploy/backup.py backup [--dest DIR]           # make backup
    python deploy/backup.py restore ARCHIVE [--database-url postgres://…]   # make restore

A backup is a directory `<dest>/<UTC time>/` (dest: BACKUP_DIR, default `backups/`) holding
- `database.dump`: `pg_dump -Fc` of DATABASE_URL;
- `media/`: every file of the default storage (MEDIA_ROOT, or the S3 bucket when
  AWS_STORAGE_BUCKET_NAME is set), copied through Django's storage API so both work alike;
- `manifest.json`: the row count of every table and the SHA-256 of every file.
The counts are taken in the very snapshot pg_dump exports (`--snapshot`), so they describe the
dump exactly even while the portal keeps writing. Media is copied after the dump: a file the dump
refers to is there unless it was deleted meanwhile.

Restore loads the dump into the target database (DATABASE_URL, or --database-url: an empty
database, or one whose tables it replaces) in one transaction, saves the files back through the
storage, then checks the result against the manifest and exits non-zero on any difference.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUMP, MEDIA, MANIFEST = "database.dump", "media", "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on, or whose result differs from the manifest."""


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def database_config(url: str | None = None) -> dict:
    """The Django database settings of `url`, or of the portal's own database."""
    from django.conf import settings

    if url:
        import environ

        config = environ.Env.db_url_config(url)
    else:
        config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups use pg_dump: set DATABASE_URL to a PostgreSQL database.")
    return config


def _libpq(config: dict) -> tuple[list[str], dict]:
    """Command-line options and environment for pg_dump/pg_restore (the password stays out of
    the process list)."""
    args = ["--dbname", config["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config.get(key):
            args += [option, str(config[key])]
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    return args, env


def _connect(config: dict):
    import psycopg

    keys = {
        "dbname": "NAME",
        "host": "HOST",
        "port": "PORT",
        "user": "USER",
        "password": "PASSWORD",
    }
    params = {name: config[key] for name, key in keys.items() if config.get(key)}
    return psycopg.connect(**params, autocommit=True)


def table_counts(cursor) -> dict[str, int]:
    """The number of rows of every table of the database (all schemas but the system's)."""
    cursor.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        quoted = '"{}"."{}"'.format(schema.replace('"', '""'), table.replace('"', '""'))
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608 — catalogue names, quoted
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _walk(storage, directory: str = ""):
    """Every file name in the storage, recursively; an absent media folder holds none."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from _walk(storage, f"{directory}/{name}" if directory else name)


def _copy(source, target) -> str:
    """Copy one open file to another in chunks; returns the SHA-256 of what went through."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


def _dump_database(config: dict, path: Path) -> dict[str, int]:
    args, env = _libpq(config)
    with _connect(config) as connection:
        connection.autocommit = False
        with connection.cursor() as cursor:
            # pg_dump reads the snapshot this transaction exports, so the counts match the dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            dump = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(path)]
            subprocess.run([*dump, *args], env=env, check=True)  # noqa: S603 — our settings
            counts = table_counts(cursor)
        connection.rollback()
    return counts


def backup(dest: Path, *, database_url: str | None = None, now: datetime | None = None) -> Path:
    """Write a new archive under `dest` and return its path."""
    from django.core.files.storage import default_storage

    config = database_config(database_url)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    archive = Path(dest) / stamp
    archive.mkdir(parents=True)
    try:
        counts = _dump_database(config, archive / DUMP)
        files = {}
        for name in _walk(default_storage):
            target = archive / MEDIA / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                files[name] = _copy(source, copy)
        manifest = {"created_at": stamp, "database": config["NAME"], "tables": counts}
        manifest["media"] = files
        (archive / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(archive, ignore_errors=True)  # no half archive that looks like a backup
        raise
    return archive


def _restore_media(archive: Path, files: dict[str, str]) -> None:
    from django.core.files import File
    from django.core.files.storage import default_storage

    for name in files:
        if default_storage.exists(name):
            default_storage.delete(name)
        with (archive / MEDIA / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}.")


def differences(archive: Path, *, database_url: str | None = None) -> list[str]:
    """How the database and storage differ from the archive's manifest (empty: they match)."""
    from django.core.files.storage import default_storage

    manifest = json.loads((archive / MANIFEST).read_text())
    with _connect(database_config(database_url)) as connection, connection.cursor() as cursor:
        counts = table_counts(cursor)
    found = []
    for table in sorted(set(counts) | set(manifest["tables"])):
        expected, got = manifest["tables"].get(table), counts.get(table)
        if expected != got:
            found.append(f"table {table}: {got} rows, the backup has {expected}")
    for name, digest in sorted(manifest["media"].items()):
        if not default_storage.exists(name):
            found.append(f"file {name}: missing")
            continue
        with default_storage.open(name, "rb") as handle:
            if _copy(handle, _Discard()) != digest:
                found.append(f"file {name}: differs from the backup")
    return found


class _Discard:
    def write(self, chunk):
        return len(chunk)


def restore(archive: Path, *, database_url: str | None = None) -> list[str]:
    """Load the archive into the target database and the storage; returns `differences`."""
    archive = Path(archive)
    if not (archive / MANIFEST).is_file() or not (archive / DUMP).is_file():
        raise BackupError(f"{archive} is not a backup (no {MANIFEST} or {DUMP}).")
    manifest = json.loads((archive / MANIFEST).read_text())
    args, env = _libpq(database_config(database_url))
    command = ["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction"]
    restore = [*command, *args, str(archive / DUMP)]
    subprocess.run(restore, env=env, check=True)  # noqa: S603 — our settings and archive
    _restore_media(archive, manifest["media"])
    return differences(archive, database_url=database_url)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a new archive")
    make.add_argument("--dest", default=os.environ.get("BACKUP_DIR") or str(ROOT / "backups"))
    back = commands.add_parser("restore", help="restore an archive and check it")
    back.add_argument("archive")
    back.add_argument("--database-url", help="the target database (default: DATABASE_URL)")
    options = parser.parse_args(argv)
    _setup_django()
    out = sys.stdout
    try:
        if options.command == "backup":
            archive = backup(Path(options.dest))
            manifest = json.loads((archive / MANIFEST).read_text())
            rows = sum(manifest["tables"].values())
            out.write(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
                f"{len(manifest['media'])} files into {archive}\n"
            )
            return 0
        found = restore(Path(options.archive), database_url=options.database_url)
    except (BackupError, subprocess.CalledProcessError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    for difference in found:
        out.write(f"  {difference}\n")
    out.write(
        f"Restored {options.archive}: "
        + ("it matches the backup.\n" if not found else f"{len(found)} differences.\n")
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
