import ast
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = "import portal.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"


def load_settings(**env):
    """Import the settings in a fresh interpreter with only the given environment."""
    clean = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": os.devnull + ".absent",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_defaults_start_without_configuration():
    result = load_settings()

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


PRODUCTION = {"DEBUG": "0", "SITE_URL": "https://portal.example.org"}


def test_production_refuses_to_start_without_secret_key():
    result = load_settings(**PRODUCTION, ALLOWED_HOSTS="portal.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(**PRODUCTION, SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize("site_url", [None, "", "portal.example.org"])
def test_production_refuses_to_start_without_its_public_address(site_url):
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example.org"}
    if site_url is not None:
        env["SITE_URL"] = site_url

    result = load_settings(**env)

    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_production_starts_with_secret_key_and_allowed_hosts():
    result = load_settings(**PRODUCTION, SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org")

    assert result.returncode == 0, result.stderr
    assert "portal.example.org" in result.stdout


def test_postgres_connections_are_persistent_and_health_checked():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; d = s.DATABASES['default'];"
            "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        ],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": os.devnull + ".absent",
            "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.split() == ["django.db.backends.postgresql", "600", "True"]


def settings_json(expression: str, **env):
    """`expression` (of the settings module `s`) read as JSON from a fresh interpreter."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json, portal.settings as s; print(json.dumps({expression}))",
        ],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "ENV_FILE": os.devnull + ".absent", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def database_options(**env):
    return settings_json("s.DATABASES['default']['OPTIONS']", **env)


def test_postgres_connections_give_up_after_a_few_seconds_by_default():
    options = database_options(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal")

    assert options["connect_timeout"] == 5


def database_flags(**env):
    return settings_json(
        "{alias: [d.get('DISABLE_SERVER_SIDE_CURSORS'), d.get('PREPARED_STATEMENTS')]"
        " for alias, d in s.DATABASES.items()}",
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URLS="postgres://portal@127.0.0.1:5433/portal",
        **env,
    )


def test_postgres_keeps_server_side_cursors_and_prepares_the_list_rows_by_default():
    assert database_flags() == {"default": [False, True], "replica_1": [False, True]}


def test_behind_pgbouncer_neither_server_side_cursors_nor_prepared_statements_are_used():
    assert database_flags(DATABASE_PGBOUNCER="1") == {
        "default": [True, False],
        "replica_1": [True, False],
    }
    # PgBouncer 1.21 and later keeps prepared statements (max_prepared_statements).
    assert database_flags(DATABASE_PGBOUNCER="1", DATABASE_PREPARED_STATEMENTS="1") == {
        "default": [True, True],
        "replica_1": [True, True],
    }


def test_an_empty_database_url_means_the_default_sqlite_database():
    """`DATABASE_URL=` (set, but to nothing, as an env file template leaves it) is not an error."""
    options = database_options(DATABASE_URL="")

    assert options["transaction_mode"] == "IMMEDIATE"


def test_the_postgres_connect_timeout_comes_from_the_environment():
    options = database_options(
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal", DATABASE_CONNECT_TIMEOUT="2"
    )

    assert options["connect_timeout"] == 2


def test_a_connect_timeout_in_the_database_url_wins():
    options = database_options(
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal?connect_timeout=9",
        DATABASE_CONNECT_TIMEOUT="2",
    )

    assert int(options["connect_timeout"]) == 9


def test_email_url_configures_the_default_mailer():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.MAILERS['default'])"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": os.devnull + ".absent",
            "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.org:587",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert "'BACKEND': 'django.core.mail.backends.smtp.EmailBackend'" in result.stdout
    assert "'host': 'mail.example.org'" in result.stdout
    assert "'port': 587" in result.stdout
    assert "'use_tls': True" in result.stdout


STORAGE_CHECK = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import default_storage as d; d._setup(); w = d._wrapped; "
    "print(json.dumps({'setting': settings.STORAGES['default'], "
    "'class': f'{type(w).__module__}.{type(w).__name__}', "
    "'attributes': {name: str(getattr(w, name)) for name in %r if hasattr(w, name)}}))"
)
S3_ATTRIBUTES = [
    "location",
    "bucket_name",
    "endpoint_url",
    "region_name",
    "addressing_style",
    "access_key",
    "secret_key",
    "default_acl",
    "querystring_auth",
    "querystring_expire",
    "file_overwrite",
    "custom_domain",
]


def default_storage_under(**env):
    """The default file storage that the settings build from the given environment."""
    result = subprocess.run(
        [sys.executable, "-c", STORAGE_CHECK % S3_ATTRIBUTES],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": os.devnull + ".absent",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_uploads_go_to_the_file_system_under_media_root_by_default(tmp_path):
    storage = default_storage_under(MEDIA_ROOT=str(tmp_path))

    assert storage["setting"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["attributes"]["location"] == str(tmp_path)


def test_a_bucket_puts_uploads_in_a_private_s3_compatible_object_store():
    storage = default_storage_under(
        AWS_STORAGE_BUCKET_NAME="portal-attachments",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="portal-key",
        AWS_SECRET_ACCESS_KEY="portal-secret",
    )

    assert storage["setting"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["attributes"] == {
        "location": "",
        "bucket_name": "portal-attachments",
        "endpoint_url": "https://objects.example.org",
        "region_name": "eu-central-1",
        "addressing_style": "path",
        "access_key": "portal-key",
        "secret_key": "portal-secret",
        # No ACL of its own on any object, signed short-lived URLs only, nothing overwritten.
        "default_acl": "None",
        "querystring_auth": "True",
        "querystring_expire": "300",
        "file_overwrite": "False",
        "custom_domain": "None",
    }


def test_without_keys_the_object_store_leaves_credentials_to_boto3():
    storage = default_storage_under(AWS_STORAGE_BUCKET_NAME="portal-attachments")

    assert set(storage["setting"]["OPTIONS"]) == {
        "bucket_name",
        "default_acl",
        "querystring_auth",
        "querystring_expire",
        "file_overwrite",
        "max_memory_size",
    }
    assert storage["attributes"]["access_key"] == "None"
    assert storage["attributes"]["endpoint_url"] == "None"


def test_an_object_store_endpoint_without_a_bucket_refuses_to_start():
    result = load_settings(AWS_S3_ENDPOINT_URL="https://objects.example.org")

    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME is not" in result.stderr


EXAMPLE_LINE = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=")


def variables_read_by(source: str) -> set[str]:
    """Every environment variable named in `env(…)`, `env.<any reader>(…)` (`env.str`,
    `env.bool`, `env.db_url`, …), `os.environ[…]`, `os.environ.get(…)` and `os.getenv(…)` in the
    source of a settings module."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                (isinstance(func, ast.Name) and func.id == "env")
                or (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "env"
                    and func.attr != "read_env"
                )
                or ast.unparse(func) in {"os.environ.get", "os.getenv"}
            ):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if key is not None:
            assert isinstance(key, ast.Constant), f"a variable name is computed: {ast.unparse(key)}"
            names.add(key.value)
    return names


def test_the_settings_parser_finds_every_kind_of_read():
    source = (
        "import os\n"
        "A = env('ONE')\nB = env.bool('TWO', default=False)\nC = env.int('THREE', default=1)\n"
        "D = env.db_url('FOUR')\nE = os.environ['FIVE']\nF = os.environ.get('SIX')\n"
        "G = os.getenv('SEVEN', 'x')\nH = env.read_env(path)\nI = other.str('NOT_ENV')\n"
    )

    assert variables_read_by(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN"}


def test_env_example_documents_every_variable_the_settings_read():
    read = set().union(
        *(
            variables_read_by((settings.BASE_DIR / "portal" / name).read_text())
            for name in ("settings.py", "databases.py", "objectstore.py")
        )
    )
    lines = (settings.BASE_DIR / ".env.example").read_text().splitlines()
    documented = {
        m[1]: number for number, line in enumerate(lines) if (m := EXAMPLE_LINE.match(line))
    }

    assert {"SECRET_KEY", "DATABASE_URL", "SITE_URL", "AWS_STORAGE_BUCKET_NAME"} <= read
    assert sorted(read - set(documented)) == [], "missing from .env.example"
    assert sorted(set(documented) - read) == [], "in .env.example but read by nothing"
    above = {name: lines[number - 1] if number else "" for name, number in documented.items()}
    undescribed = [
        name
        for name, line in above.items()
        if not line.startswith("# ") or EXAMPLE_LINE.match(line)
    ]
    assert undescribed == [], "each variable needs a comment line of its own just above it"


def test_every_example_value_in_env_example_is_accepted_by_the_settings(tmp_path):
    example = (settings.BASE_DIR / ".env.example").read_text()
    env_file = tmp_path / ".env"
    env_file.write_text(re.sub(r"^# ([A-Z][A-Z0-9_]*=)", r"\1", example, flags=re.MULTILINE))

    storage = default_storage_under(ENV_FILE=str(env_file))

    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["attributes"]["endpoint_url"] == "https://objects.example.org"


def test_admin_emails_become_plain_addresses_for_error_reports():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.ADMINS)"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": os.devnull + ".absent",
            "ADMIN_EMAILS": "ops@example.org,oncall@example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.strip() == "['ops@example.org', 'oncall@example.org']", result.stderr
