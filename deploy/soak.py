"""`make soak` / `make soak-short`: load and faults against the local production topology.

Starts `deploy/prod_local.sh up`, runs the load generator (locust, headless, on loopback)
against both app servers while injecting the faults on a timetable, then checks:
- no response of the app servers was a 5xx other than a 503 (from their JSON access logs),
  and the load generator saw no failure other than outages it retried elsewhere;
- every acknowledged write is in the database (`python -m bench.soak.verify --writes FILE`);
- every queued task ran, or is scheduled to run again (none left running or overdue).

The load itself (the people's behaviours, the write log, the verifier) lives in bench/soak/:
the locustfile reads SOAK_HOSTS (comma-separated base URLs), SOAK_WRITES (a JSON-lines file
to which each acknowledged write is appended), SOAK_OUTAGE (1 while faults are injected) and
SOAK_SUMMARY (where it writes its counts and p95).

    python deploy/soak.py [--short] [--users 50] [--duration 60] [--faults app,worker,…]
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROD_LOCAL = ROOT / "deploy" / "prod_local.sh"
# Each fault: when it starts (as a share of the run), the commands that make it and end it, and
# how long it lasts (seconds).
FAULTS = {
    "primary": (0.15, ["restart-primary"], [], 0),
    "app": (0.30, ["kill-app", "1"], ["start-app", "1"], 10),
    "worker": (0.50, ["kill-worker"], ["start-worker"], 5),
    "replica": (0.65, ["stop-replica"], ["start-replica"], 10),
}


def log(message: str) -> None:
    sys.stdout.write(f"soak {dt.datetime.now():%H:%M:%S}: {message}\n")
    sys.stdout.flush()


def prod_local(*args: str, check: bool = True) -> None:
    subprocess.run([str(PROD_LOCAL), *args], check=check)  # noqa: S603 (our own commands)


def state_dir() -> Path:
    default = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local/state"))
    return Path(os.environ.get("PROD_LOCAL_DIR", default / "gcm-portal-prod-local"))


def app_ports() -> list[str]:
    return os.environ.get("APP_PORTS", "8101 8102").split()


def inject(names: list[str], duration: float, stop: threading.Event) -> None:
    """Run the faults on their timetable, each ended after its length, unless the run stops."""
    timetable = sorted((FAULTS[name][0] * duration, name) for name in names)
    started = time.monotonic()
    for at, name in timetable:
        if stop.wait(max(0.0, started + at - time.monotonic())):
            return
        _, make, end, length = FAULTS[name]
        log(f"fault: {name} ({' '.join(make)})")
        prod_local(*make, check=False)
        if end:
            stop.wait(length)
            log(f"recovery: {' '.join(end)}")
            prod_local(*end, check=False)


def server_errors(since: float) -> tuple[dict[int, int], int]:
    """Statuses ≥ 500 in the app servers' access logs since `since`, and the lines read."""
    counts: dict[int, int] = {}
    lines = 0
    for name in ("app1", "app2"):
        path = state_dir() / f"{name}.log"
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            if '"gunicorn.access"' not in line:
                continue
            try:
                entry = json.loads(line)
                at = dt.datetime.fromisoformat(entry["time"]).timestamp()
            except (ValueError, KeyError):
                continue
            if at < since:
                continue
            lines += 1
            status = entry.get("status")
            if isinstance(status, int) and status >= 500:
                counts[status] = counts.get(status, 0) + 1
    return counts, lines


def tasks_settled(env: dict, wait: float) -> bool:
    """Wait until no task is left running or overdue in the queue (a killed worker's task is
    requeued by the scheduler after TASK_LEASE_SECONDS)."""
    check = (
        "import django, datetime as dt; django.setup();"
        "from django.utils import timezone; from django_tasks_db.models import DBTaskResult as T;"
        "late = timezone.now() - dt.timedelta(seconds=5);"
        "left = T.objects.filter(status__in=['READY', 'RUNNING'], run_after__lte=late).count()"
        " + T.objects.filter(status='READY', run_after__isnull=True, enqueued_at__lte=late).count()"
        " + T.objects.filter(status='RUNNING').count();"
        "print(left, T.objects.filter(status='SUCCESSFUL').count(),"
        " T.objects.filter(status='FAILED').count())"
    )
    deadline = time.monotonic() + wait
    while True:
        result = subprocess.run(  # noqa: S603 (our own commands)
            [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode == 0:
            left, done, failed = result.stdout.split()
            if left == "0":
                log(f"tasks: none left running or overdue ({done} succeeded, {failed} failed)")
                return True
            log(f"tasks: {left} still running or overdue")
        else:
            log(f"tasks: cannot read the queue yet: {result.stderr.strip()[-200:]}")
        if time.monotonic() > deadline:
            return False
        time.sleep(5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="CI: ~15 s, 5 people, one fault")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--faults", default="primary,app,worker,replica")
    parser.add_argument("--no-up", action="store_true", help="the topology is already up")
    args = parser.parse_args()
    if args.short:
        args.users, args.duration, args.faults = 5, 15, "app"
    faults = [name for name in args.faults.split(",") if name]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))} (of {', '.join(FAULTS)})")

    if not args.no_up:
        prod_local("up")
    state = state_dir()
    run = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    writes = state / f"soak-{run}-writes.jsonl"
    hosts = ",".join(f"http://127.0.0.1:{port}" for port in app_ports())
    env = {
        **os.environ,
        "ENV_FILE": str(state / "portal.env"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SOAK_HOSTS": hosts,
        "SOAK_WRITES": str(writes),
        "SOAK_SUMMARY": str(state / f"soak-{run}-summary.json"),
        # With faults, 503s with Retry-After and connection errors (retried on the other
        # server) are the clean answers of an outage.
        "SOAK_OUTAGE": "1" if faults else "0",
    }
    started = time.time()
    stop = threading.Event()
    faults_thread = threading.Thread(target=inject, args=(faults, args.duration, stop))
    log(f"load: {args.users} people for {args.duration} s against {hosts}; faults: {faults}")
    faults_thread.start()
    # Locust's own exit code says whether any request failed by its rules (the locustfile
    # decides which outage answers are clean).
    locust = subprocess.run(  # noqa: S603 (our own commands)
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "soak" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(max(1, args.users // 5)),
            "--run-time",
            f"{args.duration}s",
            "--host",
            hosts.split(",")[0],
            "--csv",
            str(state / f"soak-{run}"),
            "--only-summary",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    stop.set()
    faults_thread.join()
    # Whatever a fault left stopped comes back, so the checks (and the next run) see it whole.
    for command in (["start-replica"], ["start-app", "1"], ["start-app", "2"], ["start-worker"]):
        prod_local(*command, check=False)

    ok = True
    summary = Path(env["SOAK_SUMMARY"])
    if summary.exists():
        log(f"load generator summary: {summary.read_text().strip()}")
    errors, seen = server_errors(started)
    unclean = {status: n for status, n in errors.items() if status != 503}
    log(f"responses: {seen} logged; 503 during outages: {errors.get(503, 0)}; other 5xx: {unclean}")
    if unclean or not seen:
        ok = False
    if locust.returncode != 0:
        log(f"load generator: failures (exit {locust.returncode}); see {state}/soak-{run}_*.csv")
        ok = False
    verify = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "-m", "bench.soak.verify", "--writes", str(writes)],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if verify.returncode != 0:
        log("writes: some acknowledged writes are missing (listed above)")
        ok = False
    lease = int(os.environ.get("TASK_LEASE_SECONDS", "30"))
    if not tasks_settled(env, wait=lease + 90):
        ok = False
    log("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
