"""A small HTTP/1.1 load generator (asyncio, keep-alive) for the benchmark.

Each of ``concurrency`` virtual users keeps one connection to every application server and sends
its requests to the servers in turn (A, B, A, B, …), so every user's session is served by both
servers. Every request's latency is recorded; the result gives throughput and p50/p95/p99.

Loopback only: the servers are given as 127.0.0.0/8 host:port pairs and anything else is refused.
A run is bounded by its duration. ``source_ips`` spreads the connections over several loopback
source addresses (127.0.1.x–127.0.4.x), as many citizens would: the public calculator API limits requests
per address, and one address would meet that limit within a second.

``writers`` (``Writer``) send POST requests at fixed rates during a load, each on a connection of
its own, alternating between the servers: the deadline day's autosaves, submissions, checklist
lines and scores while the pages are read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Target:
    name: str
    path: str
    method: str = "GET"
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    expect: int = 200
    source_ips: list[str] | None = None
    rotate_every: int = 100  # requests per connection before moving to the next source address


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    statuses: dict

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
        return ordered[index] * 1000

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.pct(50), 1),
            "p95_ms": round(self.pct(95), 1),
            "p99_ms": round(self.pct(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if self.latencies else None,
            "statuses": self.statuses,
        }


def check_loopback(host: str) -> None:
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"benchmark targets must be loopback addresses, not {host}")


class Connection:
    def __init__(self, host: str, port: int, source: str | None):
        self.host, self.port, self.source = host, port, source
        self.reader = self.writer = None
        self.used = 0

    async def open(self):
        local = (self.source, 0) if self.source else None
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=local)
        self.used = 0

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> int:
        if self.writer is None:
            await self.open()
        self.writer.write(raw)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            close = True
        self.used += 1
        if close:
            self.close()
        return status


def raw_request(target: Target, host: str, port: int) -> bytes:
    lines = [
        f"{target.method} {target.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: keep-alive",
        "Accept: text/html,application/json",
        "User-Agent: masterstudio-bench",
    ]
    for key, value in target.headers.items():
        lines.append(f"{key}: {value}")
    if target.body or target.method == "POST":
        lines.append(f"Content-Length: {len(target.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + target.body


async def _user(
    index: int,
    target: Target,
    servers: list[tuple[str, int]],
    start: float,
    stop: float,
    out: list,
    statuses: dict,
    errors: list,
    sources,
):
    """One virtual user. ``sources``: the run's one supply of source addresses, shared by every
    connection — each connection, and each connection again after ``rotate_every`` requests, takes
    the next address, so no two connections send from one address at the same time (a per-address
    limit counts every request of an address, whichever connection sent it)."""
    conns = [Connection(h, p, next(sources)) for h, p in servers]
    raws = [raw_request(target, h, p) for h, p in servers]
    n = index  # users start on different servers
    try:
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            k = n % len(servers)
            conn = conns[k]
            n += 1
            if target.source_ips and conn.used >= target.rotate_every:
                conn.close()
                conn.source = next(sources)
            began = time.perf_counter()
            try:
                status = await conn.request(raws[k])
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                conn.close()
                errors.append(repr(exc))
                await asyncio.sleep(0.01)
                continue
            ended = time.perf_counter()
            if began >= start:
                out.append((ended - began, status))
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        for conn in conns:
            conn.close()


async def _run(target: Target, servers, concurrency: int, warmup: float, seconds: float, writers=()) -> Result:
    for host, _ in servers:
        check_loopback(host)
    loop_start = time.perf_counter()
    start, stop = loop_start + warmup, loop_start + warmup + seconds
    out, statuses, errors = [], {}, []
    sources = itertools.cycle(target.source_ips or [None])
    await asyncio.gather(
        *[_user(i, target, servers, start, stop, out, statuses, errors, sources) for i in range(concurrency)],
        *[_writes(writer, servers, loop_start, stop) for writer in writers],
    )
    measured = [latency for latency, status in out]
    bad = sum(1 for _, status in out if status != target.expect) + len(errors)
    return Result(target.name, len(out), bad, seconds, measured, {str(k): v for k, v in sorted(statuses.items())})


def run(
    target: Target,
    servers: list[tuple[str, int]],
    *,
    concurrency: int = 16,
    warmup: float = 1.0,
    seconds: float = 6.0,
    writers: list[Writer] = (),
) -> Result:
    """The page loaded by ``concurrency`` users for ``seconds`` after ``warmup``; the ``writers``
    writing at their rates from the warm-up's start to the end (their requests still answered
    afterwards are awaited and counted)."""
    return asyncio.run(_run(target, servers, concurrency, warmup, seconds, writers))


# ---------------------------------------------------------------------------------- writers


@dataclass
class Write:
    """One write request: a POST with the writer's session, sent on a connection of its own."""

    path: str
    body: bytes
    headers: dict
    expect: int


@dataclass
class Writer:
    """Writes of one kind sent at ``rate`` per second in all, open loop (each at its moment,
    whether or not the earlier ones have been answered, as independent people do), while a page
    is loaded. ``make(n)`` gives the n-th write (n counts on from one load to the next) or None
    when nothing is left to write (e.g. every draft submitted). Latencies, statuses and errors
    accumulate over every load the writer takes part in."""

    name: str
    rate: float
    make: object  # callable: int -> Write | None
    sent: int = 0
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    exhausted: bool = False

    def pct(self, p: float) -> float:
        return Result(self.name, len(self.latencies), 0, 1.0, self.latencies, {}).pct(p)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "rate": self.rate,
            "sent": self.sent,
            "answered": len(self.latencies),
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "exhausted": self.exhausted,
            "p50_ms": round(self.pct(50), 1),
            "p95_ms": round(self.pct(95), 1),
            "p99_ms": round(self.pct(99), 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


async def _write(writer: Writer, write: Write, server: tuple[str, int]) -> None:
    conn = Connection(*server, None)
    raw = raw_request(Target(writer.name, write.path, method="POST", body=write.body, headers=write.headers), *server)
    began = time.perf_counter()
    try:
        status = await conn.request(raw)
    except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
        writer.errors.append(f"{write.path}: {exc!r}")
        return
    finally:
        conn.close()
    writer.latencies.append(time.perf_counter() - began)
    writer.statuses[status] = writer.statuses.get(status, 0) + 1
    if status != write.expect:
        writer.errors.append(f"{write.path}: HTTP {status}, expected {write.expect}")


async def _writes(writer: Writer, servers, begin: float, stop: float) -> None:
    pending = []
    step = 1.0 / writer.rate
    k = 0
    while not writer.exhausted:
        at = begin + k * step
        if at >= stop:
            break
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        write = writer.make(writer.sent)
        if write is None:
            writer.exhausted = True
            break
        server = servers[writer.sent % len(servers)]
        writer.sent += 1
        k += 1
        pending.append(asyncio.create_task(_write(writer, write, server)))
    if pending:
        await asyncio.gather(*pending)
