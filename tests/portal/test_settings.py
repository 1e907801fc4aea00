import os
import subprocess
import sys

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


def test_production_refuses_to_start_without_secret_key():
    result = load_settings(DEBUG="0", ALLOWED_HOSTS="portal.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_secret_key_and_allowed_hosts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org")

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
