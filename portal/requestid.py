"""The request id: one value that ties together every log line of a request and of its tasks.

The id comes from the client's or the proxy's `X-Request-ID` when it is a plausible one (bounded,
safe characters, so it cannot forge log lines or fill them), or is made here; the middleware
(portal.middleware.RequestIdMiddleware) keeps it in a context variable for the log records
(portal.logs) and returns it in the response. A task enqueued while a request runs carries it
into the worker: enqueue it with `enqueue(task, …)` and mark the task function with
`@carries_request_id`, under `@task`.
"""

import contextvars
import functools
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# Letters, digits and the punctuation of UUIDs, ULIDs and the usual proxies' ids; no spaces,
# quotes or control characters.
_VALID = re.compile(r"[A-Za-z0-9._:@+=-]{8,128}")
# The keyword argument by which an enqueued task receives the id.
TASK_KWARG = "request_id"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def new() -> str:
    return uuid.uuid4().hex


def accepted(value: str | None) -> str | None:
    """The incoming id if it may be used as it is, else None (and a new one is made)."""
    if value and _VALID.fullmatch(value):
        return value
    return None


def get() -> str:
    """The id of the request (or task) being served; "" outside any."""
    return _current.get()


def bind(value: str) -> contextvars.Token:
    return _current.set(value)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)


def enqueue(task, *args, **kwargs):
    """Enqueue `task` carrying the current request id (a task marked @carries_request_id)."""
    return task.enqueue(*args, **{TASK_KWARG: get(), **kwargs})


def carries_request_id(func):
    """Run a task under the request id it was enqueued with (or a new one, for the scheduler's
    tasks and those queued before this existed), so its log lines carry it."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        token = bind(accepted(kwargs.pop(TASK_KWARG, None)) or new())
        try:
            return func(*args, **kwargs)
        finally:
            unbind(token)

    return run
