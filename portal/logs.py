"""Log records as one JSON object a line (LOG_FORMAT=json), each with the request id.

Plain text stays the default for development. In production a log collector reads the JSON
lines of the web servers, the workers and the scheduler alike; every record carries the
`request_id` of the request or task that wrote it (portal.requestid), and gunicorn's access
log (deploy/gunicorn.conf.py) writes the same id, so one request can be followed end to end.
"""

import datetime as dt
import json
import logging

from gunicorn.glogging import Logger as GunicornLogger

from portal import requestid

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "request",  # Django's request object (django.request records): its id is logged instead
    "server_time",  # the dev server's own
}


class RequestIdFilter(logging.Filter):
    """Give every record the current request id (a handler's filter, so it sees them all)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx/5xx response after the middlewares returned (the id is no longer
            # current), but hands the record the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "id", "") or requestid.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request id, the
    `extra=` fields, and the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or requestid.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class GunicornJsonLogger(GunicornLogger):
    """gunicorn's access log as JSON objects, made with json.dumps (gunicorn's own format
    string would not escape a quote in a path or a user agent)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": atoms.get("{x-request-id}o", ""),
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(entry, default=str, ensure_ascii=False))
