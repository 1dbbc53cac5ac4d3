"""The HTTP side of the load benchmark: asyncio + httpx, cheap on the CPU it shares with the server.

Every request is timed from send to fully read body and filed under its
phase and endpoint. An error is any exception or any non-2xx status (a
mutation the server refuses comes back inside a 200 and is counted apart,
as the protocol intends). A push that failed is sent again, unchanged, in
the device's next round, exactly as the app's outbox would.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from bench.datagen import Sizes, records
from bench.load_device import HOT_PER_TEAM, Device, TextPool

PULL_LIMIT = 500
MAX_PAGES = 10_000  # bounds every pull loop


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50/p95/p99/max of latencies in milliseconds (nearest rank)."""
    ordered = sorted(ms)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))], 1)

    return {"p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99), "max": round(ordered[-1], 1)}


class HttpError(Exception):
    """A non-2xx answer."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"{status}: {text[:200]}")
        self.status = status


def _failure(exc: Exception) -> str:
    """How a failed call is counted: the HTTP status of an answer, else the kind of error (a timeout...)."""
    return str(exc.status) if isinstance(exc, HttpError) else type(exc).__name__


class Driver:
    """One httpx client for all devices, plus what the run measured."""

    def __init__(self, base_url: str | list[str], connections: int, seed: int) -> None:
        # Several server processes (on different ports, as behind a load balancer): device n talks to
        # server n mod N, so a device keeps its server as a sticky balancer would keep it.
        urls = [base_url] if isinstance(base_url, str) else base_url
        self.clients = [httpx.AsyncClient(
            base_url=url, timeout=httpx.Timeout(120.0),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections))
            for url in urls]
        self.client = self.clients[0]
        self.rng = random.Random(seed)
        self.phase_name = "setup"
        self.samples: list[tuple[str, str, float]] = []
        self.error_count = 0
        self.error_kinds: dict[str, int] = {}
        self.error_examples: list[str] = []
        self.rejected: dict[str, int] = {}
        self.mutations_pushed = 0
        self.replayed = 0
        self.rounds_done = 0
        self.conflicts_seen = 0
        self.summaries_compared = 0
        self.summaries_moved = 0
        self.load_seconds = 0.0

    async def __aenter__(self) -> Driver:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in self.clients:
            await client.aclose()

    def error(self, kind: str, detail: str) -> None:
        """Count an error (and keep a few examples for the report)."""
        self.error_count += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
        if len(self.error_examples) < 20:
            self.error_examples.append(f"{self.phase_name} {kind}: {detail[:300]}")

    async def call(self, device: Device, method: str, endpoint: str, path: str,
                   body: bytes | None = None, params: dict[str, Any] | None = None) -> Any:
        """One timed request; returns the parsed JSON, raises HttpError or the transport's exception."""
        phase = self.phase_name
        started = time.perf_counter()
        try:
            client = self.clients[device.number % len(self.clients)]
            reply = await client.request(method, path, content=body, params=params, headers=device.headers)
        finally:
            self.samples.append((phase, endpoint, (time.perf_counter() - started) * 1000))
        if not 200 <= reply.status_code < 300:
            raise HttpError(reply.status_code, reply.text)
        return orjson.loads(reply.content)

    async def push(self, device: Device, batch: list[dict[str, Any]], replay: bool = False) -> bool:
        """Push a batch; True when the server answered (a failed batch is kept to be sent again)."""
        body = orjson.dumps({"device_id": device.device_id, "schema_version": 1, "mutations": batch})
        try:
            reply = await self.call(device, "POST", "push", "/api/v1/sync/push", body)
        except Exception as exc:  # every failure is counted, none stops the run
            self.error(f"push {_failure(exc)}", str(exc))
            if not replay:
                device.unsent = batch
            return False
        if replay:
            self.replayed += len(batch)
            return True
        device.unsent = []
        self.mutations_pushed += len(batch)
        device.record_results(batch, reply["results"])
        for result in reply["results"]:
            if result["status"] != "applied":
                code = result.get("code") or "rejected"
                self.rejected[code] = self.rejected.get(code, 0) + 1
        return True

    async def pull_all(self, device: Device) -> bool:
        """Pull pages until has_more is false, feeding the device's model; False on an error."""
        model = device.model
        for _ in range(MAX_PAGES):
            try:
                page = await self.call(device, "GET", "pull", "/api/v1/sync/pull",
                                       params={"since": model.cursor, "limit": PULL_LIMIT})
            except Exception as exc:
                self.error(f"pull {_failure(exc)}", str(exc))
                return False
            model.apply(page["changes"])
            self.conflicts_seen += sum(1 for c in page["changes"] if c["entity"] == "conflict")
            model.cursor = page["cursor"]
            if not page["has_more"]:
                return True
        self.error("pull never ended", device.device_id)
        return False

    async def check_summary(self, device: Device, must_match: bool = False) -> None:
        """Compare the device's counts and checksum with the server's, when both stand at the same cursor."""
        try:
            summary = await self.call(device, "GET", "summary", "/api/v1/sync/summary")
        except Exception as exc:
            self.error(f"summary {_failure(exc)}", str(exc))
            return
        if summary["cursor"] != device.model.cursor and not must_match:
            self.summaries_moved += 1  # others wrote in between: nothing to compare
            return
        self.summaries_compared += 1
        counts, checksum = device.model.summary()
        if summary["cursor"] != device.model.cursor or (counts, checksum) != (summary["counts"], summary["checksum"]):
            self.error("summary mismatch", f"{device.device_id}: {counts} {checksum} != {summary}")

    async def first_sync(self, device: Device) -> None:
        """The warm-up: a full pull, as a laptop that has synced before holds it."""
        await self.pull_all(device)

    async def final_sync(self, device: Device) -> None:
        """The last pull after all writes stopped: the summary must now match exactly."""
        if device.unsent:
            await self.push(device, device.unsent)
        if await self.pull_all(device):
            await self.check_summary(device, must_match=True)

    async def device_rounds(self, device: Device, texts: TextPool, rounds: int, think: float,
                            replay_share: float, deadline: float) -> None:
        """A device's working day: offline work, push, pull, summary; a pause; again."""
        rng = device.rng
        await asyncio.sleep(rng.uniform(0, think))  # devices come online spread over one pause
        for _ in range(rounds):
            if time.monotonic() > deadline:
                return
            batch = device.unsent + device.offline_work(texts)
            if await self.push(device, batch) and rng.random() < replay_share:
                await self.push(device, batch, replay=True)  # as if the first response got lost
            if await self.pull_all(device):
                await self.check_summary(device)
            self.rounds_done += 1
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))

    async def phase(self, name: str, devices: list[Device], work: Callable[[Device], Awaitable[None]],
                    concurrency: int | None = None) -> None:
        """Run ``work`` for every device at once (or at most ``concurrency`` at a time)."""
        self.phase_name = name
        gate = asyncio.Semaphore(concurrency or len(devices))

        async def gated(device: Device) -> None:
            async with gate:
                await work(device)

        await asyncio.gather(*(gated(d) for d in devices))

    async def load_base_data(self, loaders: list[Device], teams: list[str], companies: int) -> dict[str, list[str]]:
        """Push each team's shared records (companies, mentors, visits, ...); returns the hot companies."""
        self.phase_name = "seed"
        hot: dict[str, list[str]] = {}
        sizes = Sizes(companies=companies, visits=2 * companies, centre_share=0.05, mentors_per_centre=2,
                      openings=companies // 3, follow_ups=companies // 3)
        for n, (loader, team) in enumerate(zip(loaders, teams, strict=True)):
            items = list(records(self.rng.randint(0, 2**31) + n, sizes, team, [loader.user_id]))
            hot[team] = [rid for entity, rid, _ in items if entity == "company"][:HOT_PER_TEAM]
            for start in range(0, len(items), 2_000):
                batch = [loader.mutation(entity, rid, fields) for entity, rid, fields in items[start:start + 2_000]]
                if not await self.push(loader, batch):
                    raise RuntimeError(f"seeding team {team} failed: {self.error_examples[-1:]}")
        self.mutations_pushed = 0
        self.rejected = {}
        return hot
