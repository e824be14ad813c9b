"""A small threaded load client for `qsg serve`: N clients, each sending its next request as
soon as the last one is answered (a closed loop, no think time), for a fixed time.

The standard library only (no load tool to install and declare): each request on a new
connection, as a browser reaching the page would after the server closes it; every latency
kept, so the percentiles are exact rather than bucketed.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

#: The share of requests that write (a position stated through the provider page's form).
WRITE_SHARE = 0.2
#: The share of page requests for the board (the rest: a provider's page).
BOARD_SHARE = 0.25


@dataclass
class Target:
    """What the clients need to know: where the page is, its form token, the open meeting,
    the providers shown and the members attending."""

    host: str
    port: int
    token: str
    meeting: str
    providers: list[str]
    members: list[str]


@dataclass
class Outcome:
    kind: str  # "page" or "write"
    seconds: float
    status: int


@dataclass
class Load:
    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def token_of(html: str) -> str:
    """The form token a page carries (the hidden ``csrf`` field)."""
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    if found is None:
        raise ValueError("the page carries no form token: is a meeting open for recording?")
    return found.group(1)


def get(host: str, port: int, path: str, timeout: float = 120) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _post(t: Target, path: str, form: dict[str, str], timeout: float = 120) -> int:
    body = urllib.parse.urlencode(form)
    conn = http.client.HTTPConnection(t.host, t.port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Host": f"{t.host}:{t.port}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _one(t: Target, rng: random.Random) -> Outcome:
    code = rng.choice(t.providers)
    path = "/provider/" + urllib.parse.quote(code)
    start = time.perf_counter()
    if rng.random() < WRITE_SHARE:
        form = {"csrf": t.token, "meeting": t.meeting, "member": rng.choice(t.members)}
        if rng.random() < 0.5:
            form["form"] = "confirm"
        else:
            form.update(form="override", level="regular_review", reason="Heard at the visit.")
        status = _post(t, path, form)
        return Outcome("write", time.perf_counter() - start, status)
    if rng.random() < BOARD_SHARE:
        path = "/"
    status, _ = get(t.host, t.port, path)
    return Outcome("page", time.perf_counter() - start, status)


def run(t: Target, *, clients: int, seconds: float, seed: int = 2024) -> Load:
    """``clients`` threads sending requests for ``seconds`` (each one at least); every
    outcome kept."""
    load = Load()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        mine: list[Outcome] = []
        sent = 0
        # one request at least, however late the thread first runs: on a busy machine it can
        # be after the deadline, and a client that sent nothing measured nothing
        while not sent or time.perf_counter() < deadline:
            sent += 1
            try:
                mine.append(_one(t, rng))
            except OSError as exc:
                with lock:
                    load.failures.append(f"{type(exc).__name__}: {exc}")
        with lock:
            load.outcomes.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - start
    return load


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.99: p99); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summary(load: Load) -> dict[str, Any]:
    """Requests per second, and for pages and writes: count, p50, p95, p99, max (seconds),
    and the answers that were not what a good request gets (200 a page, 303 a write)."""
    out: dict[str, Any] = {
        "requests": len(load.outcomes),
        "seconds": load.seconds,
        "per_second": len(load.outcomes) / load.seconds if load.seconds else 0.0,
        "failures": len(load.failures),
        "first_failure": load.failures[0] if load.failures else "",
    }
    for kind, good in (("page", 200), ("write", 303)):
        mine = [o for o in load.outcomes if o.kind == kind]
        times = [o.seconds for o in mine]
        out[kind] = {
            "count": len(mine),
            "bad": sum(1 for o in mine if o.status != good),
            "bad_statuses": sorted({o.status for o in mine if o.status != good}),
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "max": max(times, default=float("nan")),
        }
    return out
