"""gunicorn's settings for the portal, from the environment (systemd unit, compose, prod-local).

Sync workers: on two cores more threads did not help (DESIGN §8), and a sync worker that a slow
request holds is killed by `timeout` and replaced, instead of starving its siblings. Each worker
restarts after `max_requests` (with jitter, so they do not all restart at once) to bound any slow
leak. The access log carries the request id the portal returns in
X-Request-ID, so a line of the access log finds the application's log lines of the same request.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# A request that runs longer is a bug or an overload: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy, `systemctl stop`), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Only the reverse proxy may say which scheme and client address a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# The application is loaded in each worker, not in the master: a worker's database connections
# and pools are its own, never shared across a fork.
preload_app = False
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal-web")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# LOG_FORMAT=json (as for the portal's own log): the access log as one JSON object a line,
# made by portal.logs; otherwise gunicorn's combined format with the request id at the end.
if os.environ.get("LOG_FORMAT", "plain") == "json":
    logger_class = "portal.logs.GunicornJsonLogger"
else:
    access_log_format = (
        '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
    )
