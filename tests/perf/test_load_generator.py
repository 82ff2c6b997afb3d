"""The benchmark's load generator (bench/load.py) against two tiny local servers that count the
requests of each source address, as the calculator's per-address limit does across servers."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load  # noqa: E402


async def _measure(target: load.Target, concurrency: int, seconds: float) -> tuple[load.Result, Counter]:
    seen: Counter = Counter()

    async def serve(reader, writer):
        address = writer.get_extra_info("peername")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                seen[address] += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    servers = [await asyncio.start_server(serve, "127.0.0.1", 0) for _ in range(2)]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    try:
        result = await load._run(target, [("127.0.0.1", p) for p in ports], concurrency, 0.2, seconds)
    finally:
        for server in servers:
            server.close()
    return result, seen


def _run_apart(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps an event loop
    running on the main thread for the rest of the session."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # raised again on the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_no_source_address_sends_more_than_one_connection_s_share():
    ips = [f"127.0.{block}.{n}" for block in range(1, 5) for n in range(1, 255)]
    target = load.Target("api", "/api/x", method="POST", body=b"{}", source_ips=ips, rotate_every=40)
    result, seen = _run_apart(_measure(target, concurrency=16, seconds=0.3))
    sent = sum(seen.values())  # the warm-up's requests included
    assert result.requests > 200 and result.errors == 0 and sent < 40 * len(ips)  # the supply did not wrap
    # each address served one connection for 40 requests at most, never two connections at once
    assert max(seen.values()) <= 40 and set(seen) <= set(ips)
    assert len(seen) >= sent // 40


def test_without_source_addresses_every_request_is_sent_from_the_default_one():
    result, seen = _run_apart(_measure(load.Target("page", "/"), concurrency=4, seconds=0.5))
    assert result.requests > 50 and result.errors == 0 and set(seen) == {"127.0.0.1"}
