"""The deployment files say what they should: gunicorn's settings from the environment, a
compose file that parses and holds the whole topology, units that use the gunicorn config."""

import contextlib
import os
import runpy
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def gunicorn_settings(monkeypatch, **environ):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "FORWARDED_ALLOW_IPS", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_defaults_are_two_sync_workers_on_loopback_with_bounded_requests(monkeypatch):
    config = gunicorn_settings(monkeypatch)

    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 2
    assert config["worker_class"] == "sync"
    assert 0 < config["graceful_timeout"] <= config["timeout"]
    assert config["max_requests"] > 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["preload_app"] is False
    assert "x-request-id" in config["access_log_format"]


def test_gunicorn_takes_bind_workers_proxies_and_json_logs_from_the_environment(monkeypatch):
    config = gunicorn_settings(
        monkeypatch,
        GUNICORN_BIND="127.0.0.1:8101",
        GUNICORN_WORKERS="4",
        FORWARDED_ALLOW_IPS="10.0.0.5",
        LOG_FORMAT="json",
    )

    assert config["bind"] == ["127.0.0.1:8101"]
    assert config["workers"] == 4
    assert config["forwarded_allow_ips"] == "10.0.0.5"
    assert config["logger_class"] == "portal.logs.GunicornJsonLogger"


def test_gunicorn_accepts_every_value_of_the_config_file(monkeypatch):
    from gunicorn.config import Config

    config = Config()
    for name, value in gunicorn_settings(monkeypatch, LOG_FORMAT="json").items():
        if name in config.settings:
            config.set(name, value)  # validates, as gunicorn does when it reads the file

    assert config.workers == 2
    assert config.worker_class_str == "sync"
    assert config.logger_class.__name__ == "GunicornJsonLogger"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_holds_primary_replica_redis_two_web_servers_worker_and_scheduler(compose):
    services = compose["services"]

    assert {"db", "db-replica", "redis", "web-1", "web-2", "worker", "scheduler"} <= set(services)
    for web in ("web-1", "web-2"):
        assert services[web]["command"][:3] == ["gunicorn", "portal.wsgi", "--config"]
        assert services[web]["environment"]["DEBUG"] == "0"
    assert services["worker"]["command"][-2:] == ["db_worker", "--no-reload"]
    assert "crontask" in services["scheduler"]["command"]
    assert "pg_basebackup" in services["db-replica"]["command"][0]
    assert "-R" in services["db-replica"]["command"][0]


def test_the_systemd_web_unit_runs_gunicorn_with_the_config_file():
    unit = (DEPLOY / "systemd" / "portal-web.service").read_text()

    assert "--config deploy/gunicorn.conf.py" in unit


def test_prod_local_restarts_a_process_that_another_checkout_started(tmp_path):
    # make prod-local keeps its pid files per user: a worker left running by another checkout
    # must not answer for this one's code (a soak would then test the wrong code).
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\nexec sleep 300\n")
    fake_python.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    checkouts = []
    for name in ("one", "two"):
        (tmp_path / name / "deploy").mkdir(parents=True)
        script = tmp_path / name / "deploy" / "prod_local.sh"
        script.write_text((DEPLOY / "prod_local.sh").read_text())
        checkouts.append(script)
    environ = {**os.environ, "PY": str(fake_python), "PROD_LOCAL_DIR": str(state)}

    def start_worker(script):
        done = subprocess.run(
            [shutil.which("bash"), str(script), "start-worker"],
            env=environ,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout, int((state / "worker.pid").read_text())

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    _, first = start_worker(checkouts[0])
    try:
        again_output, again = start_worker(checkouts[0])
        assert again == first
        assert "already running" in again_output

        other_output, other = start_worker(checkouts[1])
        assert "runs other code" in other_output
        assert other != first
        assert alive(other)
        assert not alive(first)
    finally:
        for pid_file in state.glob("*.pid"):
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
