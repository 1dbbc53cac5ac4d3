"""One simulated laptop for the load benchmark: its local model and the offline work it pushes.

A :class:`Device` keeps what it has pulled (id -> version, entity, fields)
plus a running count and XOR checksum per entity, so it can compare itself
with the server's ``/summary`` without re-hashing everything. Between syncs
it "works offline": new companies, visits with long Danish notes, edits of
records the whole team shares (the hot ones, so some edits collide and the
server records conflicts), follow-ups it later deletes, conflicts it marks
resolved. Mutation ids increase by one per device, as the protocol demands.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from bench.datagen import FIRST, TOWNS, TRADE, danish_text, valid_cvr
from desktop.domain.protocol import OP_DELETE, OP_UPSERT, format_checksum, record_hash

HOT_PER_TEAM = 12  # the first companies of each team: everybody edits them, so edits collide


class TextPool:
    """Pre-generated Danish prose, so building a batch costs the driver almost nothing."""

    def __init__(self, seed: int, notes: int = 300) -> None:
        rng = random.Random(seed)
        self.bodies = [danish_text(rng, 200, 2_000) for _ in range(notes)]
        self.short = [danish_text(rng, 20, 120) for _ in range(notes)]

    def body(self, rng: random.Random) -> str:
        return rng.choice(self.bodies)

    def line(self, rng: random.Random) -> str:
        return rng.choice(self.short)


@dataclass
class LocalModel:
    """What a device holds after its pulls: live records only, with count and checksum per entity."""

    records: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    xor: int = 0
    cursor: int = 0

    def apply(self, changes: list[dict[str, Any]]) -> None:
        """Apply one pull page (upserts replace, deletes remove)."""
        for change in changes:
            record_id = change["id"]
            old = self.records.pop(record_id, None)
            if old is not None:
                self.counts[old[1]] -= 1
                self.xor ^= record_hash(record_id, old[0])
            if change["op"] == OP_UPSERT:
                entity, version = change["entity"], change["version"]
                self.records[record_id] = (version, entity, change["fields"])
                self.counts[entity] = self.counts.get(entity, 0) + 1
                self.xor ^= record_hash(record_id, version)

    def summary(self) -> tuple[dict[str, int], str]:
        """Counts per entity and the checksum, in the form the server's summary uses."""
        return {k: v for k, v in sorted(self.counts.items()) if v}, format_checksum(self.xor)


@dataclass
class Device:
    """A consultant's laptop: token, teams, local model, outbox bookkeeping."""

    number: int
    device_id: str
    user_id: str
    token: str
    teams: tuple[str, ...]
    hot: dict[str, list[str]]  # team -> ids of the shared companies everyone edits
    rng: random.Random
    model: LocalModel = field(default_factory=LocalModel)
    last_mutation_id: int = 0
    last_batch: list[dict[str, Any]] = field(default_factory=list)  # for replays after a "lost" response
    unsent: list[dict[str, Any]] = field(default_factory=list)  # a batch whose push failed: sent again
    own_follow_ups: list[str] = field(default_factory=list)
    replayed: int = 0  # mutations sent a second time on purpose (a "lost" response)
    created: set[str] = field(default_factory=set)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def mutation(self, entity: str, record_id: str, fields: dict[str, Any], op: str = OP_UPSERT,
                  base_version: int = 0) -> dict[str, Any]:
        """The next mutation of this device (mutation ids go up by one)."""
        self.last_mutation_id += 1
        return {"mutation_id": self.last_mutation_id, "entity": entity, "id": record_id, "op": op,
                "base_version": base_version, "fields": fields}

    def _live(self, record_id: str) -> tuple[int, str, dict[str, Any]] | None:
        return self.model.records.get(record_id)

    def offline_work(self, texts: TextPool) -> list[dict[str, Any]]:
        """The batch of changes made since the last sync (6-14 mutations, about 3-12 KB of notes)."""
        rng = self.rng
        team = rng.choice(self.teams)
        batch: list[dict[str, Any]] = []
        companies = list(self.hot[team])
        for _ in range(rng.randint(1, 2)):
            company_id = str(uuid.uuid4())
            postcode, town = rng.choice(TOWNS)
            batch.append(self.mutation("company", company_id, {
                "team_id": team, "name": f"{rng.choice(FIRST)} {rng.choice(TRADE)} {self.number}-{len(batch)}",
                "cvr": valid_cvr(rng), "postcode": postcode, "city": town, "responsible_user_id": self.user_id}))
            companies.append(company_id)
        for _ in range(rng.randint(2, 4)):
            visit_id = str(uuid.uuid4())
            batch.append(self.mutation("visit", visit_id, {
                "team_id": team, "company_id": rng.choice(companies), "consultant_id": self.user_id,
                "visited_at": f"2026-11-{rng.randint(1, 28):02d}", "kind": "follow_up",
                "body": texts.body(rng), "next_step": texts.line(rng), "status": rng.choice(["draft", "ready"])}))
        for _ in range(rng.randint(1, 3)):  # edits of the shared companies: these collide across devices
            company_id = rng.choice(self.hot[team])
            live = self._live(company_id)
            if live is not None:
                name = rng.choice(["notes", "phone", "industry"])
                value = {"notes": texts.line(rng), "phone": f"{rng.randint(20, 99)} {rng.randint(10, 99)} "
                         f"{rng.randint(10, 99)} {rng.randint(10, 99)}", "industry": rng.choice(TRADE)}[name]
                batch.append(self.mutation("company", company_id, {name: value}, base_version=live[0]))
        self._edit_a_visit(batch, team, texts)
        self._follow_ups(batch, team, companies, texts)
        self._resolve_a_conflict(batch, team)
        self.last_batch = batch
        return batch

    def _edit_a_visit(self, batch: list[dict[str, Any]], team: str, texts: TextPool) -> None:
        visits = [rid for rid, (_, entity, fields) in self.model.records.items()
                  if entity == "visit" and fields.get("team_id") == team]
        if visits and self.rng.random() < 0.6:
            visit_id = self.rng.choice(visits[-200:])  # recent notes are the ones people touch
            version, _, fields = self.model.records[visit_id]
            batch.append(self.mutation("visit", visit_id, {"next_step": texts.line(self.rng)},
                                        base_version=version))

    def _follow_ups(self, batch: list[dict[str, Any]], team: str, companies: list[str], texts: TextPool) -> None:
        if self.own_follow_ups and self.rng.random() < 0.4:
            follow_up = self.own_follow_ups.pop(0)
            live = self._live(follow_up)
            if live is not None:
                batch.append(self.mutation("follow_up", follow_up, {}, op=OP_DELETE, base_version=live[0]))
        follow_up = str(uuid.uuid4())
        batch.append(self.mutation("follow_up", follow_up, {
            "team_id": team, "due_on": f"2026-12-{self.rng.randint(1, 28):02d}", "subject_kind": "company",
            "subject_id": self.rng.choice(companies), "assignee_id": self.user_id, "note": texts.line(self.rng)}))
        self.own_follow_ups.append(follow_up)

    def _resolve_a_conflict(self, batch: list[dict[str, Any]], team: str) -> None:
        if self.rng.random() < 0.5:
            return
        for record_id, (version, entity, fields) in self.model.records.items():
            if entity == "conflict" and not fields.get("resolved") and fields.get("team_id") == team \
                    and fields.get("kept_by") == self.user_id:
                batch.append(self.mutation("conflict", record_id, {"resolved": True}, base_version=version))
                return

    def record_results(self, batch: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        """Remember the records this device created (and the server did not refuse).

        A replayed mutation comes back "applied" with no version: the server
        skipped it. Exactly-once is checked afterwards against the audit log,
        which has one row per mutation the server really processed.
        """
        by_id = {m["mutation_id"]: m for m in batch}
        for result in results:
            mutation = by_id[result["mutation_id"]]
            if result["status"] == "applied":
                if mutation["base_version"] == 0 and mutation["op"] == OP_UPSERT:
                    self.created.add(mutation["id"])
            else:
                self.created.discard(mutation["id"])
