"""Metric e: requests/s under gunicorn (2 sync workers, DEBUG off) against the large database.

Each address is loaded in turn, for LOAD_ROUNDS rounds, so that a slow moment of the machine
falls on all of them; the medians are compared with the trivial JSON view (bench.urls) of the
same run. The load generator is `wrk` when /usr/bin/wrk exists (`make bench` installs it as root),
else a bounded Python generator of the same shape (threads, one request at a time each).
"""

import http.client
import math
import re
import shutil
import socket
import statistics
import subprocess
import threading
import time
import urllib.request

from bench.settings import (
    LOAD_CONNECTIONS,
    LOAD_ROUNDS,
    LOAD_SECONDS,
    PYTHON,
    ROOT,
    Size,
    environment,
)

# What is loaded: public addresses, stable by contract (DESIGN §4), so written out here, where
# Django is not set up. The first is the yardstick the others are divided by.
ADDRESSES = {
    "trivial JSON view": "/bench/trivial.json",  # bench.urls: behind the whole middleware stack
    "health probe (/healthz)": "/healthz",  # answered before the middleware: for information
    "pledge list API": "/api/v1/pledges/",
    "HTML pledge list": "/pledges/",
    "home page": "/",
}


RESPONSE_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def drain(base: str, limit: float = 120) -> None:
    """Wait until the workers are idle again: requests the generator gave up on at the end of
    its run are still being served, and would slow the next address's measurement."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(base + "/healthz", timeout=limit).read()  # noqa: S310
        if time.monotonic() - started < 0.5:  # a queued page takes longer than this
            return
        time.sleep(0.2)


def duration(latency: float) -> int:
    """Seconds of load for a page that takes `latency` alone: 16 connections queue on 2
    workers, so a response waits about 8 page times; the run lasts three such waits, or a slow
    page would finish no request inside it (at least LOAD_SECONDS, at most a minute)."""
    return max(LOAD_SECONDS, min(60, math.ceil(latency * LOAD_CONNECTIONS / 2 * 3)))


def wrk(url: str, seconds: int) -> tuple[float, int]:
    """(requests/s, responses that were not 2xx/3xx or failed) from `wrk -t2 -c16`."""
    done = subprocess.run(  # noqa: S603 — a fixed command on a loopback address
        [
            "/usr/bin/wrk",
            "-t2",
            f"-c{LOAD_CONNECTIONS}",
            f"-d{seconds}s",
            # 16 requests queued on 2 workers wait 8 times a page's time: past wrk's 2 s default,
            # a slow page would count as no page at all.
            f"--timeout={RESPONSE_TIMEOUT}s",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + RESPONSE_TIMEOUT + 30,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done.stdout
    )
    bad = int(non_2xx.group(1)) if non_2xx else 0
    return rate, bad + (sum(int(n) for n in errors.groups()) if errors else 0)


def python_load(url: str, seconds: int) -> tuple[float, int]:
    """The same measurement without wrk: LOAD_CONNECTIONS threads for `seconds`."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            connection = http.client.HTTPConnection(host, int(port), timeout=RESPONSE_TIMEOUT)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                key = "ok" if response.status < 400 else "bad"
            except OSError:
                key = "bad"
            finally:
                connection.close()
            with lock:
                counts[key] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + RESPONSE_TIMEOUT)
    return counts["ok"] / (time.monotonic() - started), counts["bad"]


def measure(size: Size, log) -> dict:
    """Medians of requests/s per address, the generator used, and any failed responses."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    generator = wrk if shutil.which("wrk") == "/usr/bin/wrk" else python_load
    server = subprocess.Popen(  # noqa: S603 — gunicorn from the venv, on loopback
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment(size, SITE_URL=base),
    )
    try:
        wait_until_up(base)
        rates = {label: [] for label in ADDRESSES}
        bad = dict.fromkeys(ADDRESSES, 0)
        seconds = {}
        for label, path in ADDRESSES.items():  # the first requests of each page fill caches
            for _ in range(4):
                started = time.monotonic()
                urllib.request.urlopen(base + path, timeout=RESPONSE_TIMEOUT).read()  # noqa: S310
            seconds[label] = duration(time.monotonic() - started)
        for round_number in range(LOAD_ROUNDS):
            for label, path in ADDRESSES.items():
                rate, failed = generator(base + path, seconds[label])
                rates[label].append(rate)
                bad[label] += failed
                drain(base)
            figures = ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in rates.items())
            log(f"throughput round {round_number + 1}/{LOAD_ROUNDS}: {figures}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "generator": "wrk" if generator is wrk else "python",
        "requests_per_second": {label: statistics.median(v) for label, v in rates.items()},
        "failed_responses": bad,
        "seconds": seconds,
    }
