"""Every request has an id: taken from a valid X-Request-ID or made, returned in the response,
on every log record (plain and JSON), and carried into the tasks the request enqueues."""

import datetime as dt
import io
import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actors import outbox
from actors.tasks import send_email
from portal import requestid
from portal import settings as portal_settings
from portal.logs import GunicornJsonLogger, JsonFormatter, RequestIdFilter
from tests.actors.mail_support import DATABASE_QUEUE
from tests.factories import VerifiedUserFactory

HEALTHZ = reverse("healthz")


@pytest.fixture
def log_lines():
    """What the portal's console handler writes (its filter and the JSON formatter), as lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one_in_the_response(client):
    first, second = client.get(HEALTHZ), client.get(HEALTHZ)

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["0f8fc2a1-5e02-4c4d-9d1b-7a9b0f3c2e11", "lb:1701.abc+de=f@x"])
def test_a_valid_incoming_id_is_kept(client, incoming):
    response = client.get(HEALTHZ, HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 129, "has space in it", 'quote"injected', "new\nline-forged", "ünïcødé-id", ""],
)
def test_an_unsafe_or_unbounded_incoming_id_is_replaced(client, incoming):
    response = client.get(HEALTHZ, HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_log_records_written_during_a_request_carry_its_id(client, log_lines):
    response = client.get("/pledges/999999999/", HTTP_X_REQUEST_ID="trace-0001-abcd")

    assert response.status_code == 404
    not_found = [line for line in log_lines() if line["logger"] == "django.request"]
    assert not_found
    assert {line["request_id"] for line in not_found} == {"trace-0001-abcd"}
    assert requestid.get() == ""  # nothing leaks to what runs after the request


def test_the_json_formatter_writes_one_parsable_line_with_extras_and_the_traceback(log_lines):
    log = logging.getLogger("portal.test")
    token = requestid.bind("task-abcdef12")
    try:
        log.warning('a "quoted"\nmessage', extra={"pledge": 7})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        requestid.unbind(token)

    warning, error = log_lines()
    assert warning["message"] == 'a "quoted"\nmessage'
    assert warning["level"] == "WARNING"
    assert warning["logger"] == "portal.test"
    assert warning["pledge"] == 7
    assert warning["request_id"] == "task-abcdef12"
    assert warning["time"].endswith("+00:00")
    assert "ValueError: boom" in error["exception"]


def test_plain_logs_stay_the_default_and_carry_the_id_too():
    handler = portal_settings.LOGGING["handlers"]["console"]
    assert handler["formatter"] == "plain"
    assert "request_id" in handler["filters"]
    assert "{request_id}" in portal_settings.LOGGING["formatters"]["plain"]["format"]


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_task_enqueued_during_a_request_carries_its_id(client):
    VerifiedUserFactory(email="ana@example.org")

    response = client.post(
        reverse("account_reset_password"),
        {"email": "ana@example.org"},
        HTTP_X_REQUEST_ID="reset-request-42",
    )

    assert response.status_code == 302
    task = DBTaskResult.objects.get()
    assert task.task_path == "actors.tasks.send_email"
    assert task.args_kwargs["kwargs"]["request_id"] == "reset-request-42"


@pytest.mark.django_db
def test_the_worker_runs_a_task_under_the_id_it_was_enqueued_with(monkeypatch):
    seen = []
    monkeypatch.setattr(outbox, "email_send", lambda *, email_id: seen.append(requestid.get()))
    token = requestid.bind("from-the-request-1")
    try:
        outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    finally:
        requestid.unbind(token)

    assert seen == ["from-the-request-1"]
    assert requestid.get() == ""


@pytest.mark.parametrize("kwargs", [{}, {"request_id": ""}, {"request_id": "bad id\n"}])
def test_a_task_without_a_valid_id_runs_under_a_new_one(monkeypatch, kwargs):
    seen = []
    monkeypatch.setattr(outbox, "email_send", lambda *, email_id: seen.append(requestid.get()))

    send_email.call(email_id="00000000-0000-0000-0000-000000000000", **kwargs)

    assert len(seen[0]) == 32


def test_the_gunicorn_access_log_is_json_with_the_request_id():
    from gunicorn.config import Config

    class Response:
        status = "200 OK"
        sent = 17
        headers = [("Content-Type", "text/html"), ("X-Request-ID", "abc-12345678")]

    class Request:
        headers = [("USER-AGENT", 'curl/8 "quoted"')]

    stream = io.StringIO()
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornJsonLogger(config)
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/pledges/?q=%22x",
        "PATH_INFO": "/pledges/",
        "QUERY_STRING": "q=%22x",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": 'curl/8 "quoted"',
    }
    logger.access(Response(), Request(), environ, dt.timedelta(milliseconds=12))

    entry = json.loads(stream.getvalue())
    assert entry["request_id"] == "abc-12345678"
    assert entry["status"] == 200
    assert entry["path"] == "/pledges/"
    assert entry["user_agent"] == 'curl/8 "quoted"'
    assert entry["duration_ms"] == 12
