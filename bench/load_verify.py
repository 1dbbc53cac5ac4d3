"""After the load: does every device hold exactly the server's data, and was every mutation applied once?

Checks, straight against the server's database:

* each device's local model (fed only by its pulls) equals the live records
  of its teams: same ids, same versions, same fields;
* each device's last pushed mutation id is the one the server recorded, and
  the audit log holds exactly one row per mutation id (applied or refused):
  nothing lost, nothing applied twice;
* every record a device created (and the server did not refuse) exists once,
  in one of that device's teams;
* the incrementally kept per-team counts and checksums equal a recount.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Engine, func, or_, select

from bench.load_device import Device
from desktop.domain.protocol import record_hash
from server.tables import AuditEntry, Record, TeamStats
from server.tables import Device as DeviceRow

_MASK = (1 << 64) - 1


def _live_records(engine: Engine, teams: Iterable[str]) -> dict[str, tuple[int, str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Record.id, Record.version, Record.entity, Record.fields)
                            .where(Record.team_id.in_(list(teams)), Record.deleted.is_(False)))
        return {rid: (version, entity, orjson.loads(fields)) for rid, version, entity, fields in rows}


def _model_problems(device: Device, server: dict[str, tuple[int, str, dict[str, Any]]]) -> list[str]:
    local = device.model.records
    problems = []
    missing = server.keys() - local.keys()
    extra = local.keys() - server.keys()
    if missing:
        problems.append(f"{device.device_id}: {len(missing)} server record(s) missing on the device")
    if extra:
        problems.append(f"{device.device_id}: {len(extra)} record(s) on the device the server does not have")
    differ = [rid for rid in local.keys() & server.keys() if local[rid] != server[rid]]
    if differ:
        problems.append(f"{device.device_id}: {len(differ)} record(s) differ in version or fields")
    return problems


def _exactly_once_problems(engine: Engine, devices: list[Device]) -> list[str]:
    problems = []
    processed = (AuditEntry.action.in_(("upsert", "delete")), AuditEntry.action.like("refused:%"))
    with engine.connect() as conn:
        audited = dict(conn.execute(select(AuditEntry.device_id, func.count()).where(or_(*processed))
                                    .group_by(AuditEntry.device_id)).all())
        last_ids = {(user, dev): last for user, dev, last in
                    conn.execute(select(DeviceRow.user_id, DeviceRow.device_id, DeviceRow.last_mutation_id))}
        created = [rid for d in devices for rid in d.created]
        found: dict[str, str] = {}
        for start in range(0, len(created), 1_000):
            found.update(conn.execute(select(Record.id, Record.team_id)
                                      .where(Record.id.in_(created[start : start + 1_000]))).all())
    for device in devices:
        server_last = last_ids.get((device.user_id, device.device_id), 0)
        if server_last != device.last_mutation_id:
            problems.append(f"{device.device_id}: server has last mutation {server_last}, "
                            f"device sent {device.last_mutation_id}")
        if audited.get(device.device_id, 0) != device.last_mutation_id:
            problems.append(f"{device.device_id}: {audited.get(device.device_id, 0)} mutations processed, "
                            f"{device.last_mutation_id} sent")
        lost = [rid for rid in device.created if found.get(rid) not in device.teams]
        if lost:
            problems.append(f"{device.device_id}: {len(lost)} created record(s) missing on the server")
    return problems


def _stats_problems(engine: Engine) -> list[str]:
    recount: dict[tuple[str, str], list[int]] = {}
    with engine.connect() as conn:
        for rid, team, entity, version in conn.execute(
            select(Record.id, Record.team_id, Record.entity, Record.version).where(Record.deleted.is_(False))
        ):
            slot = recount.setdefault((team, entity), [0, 0])
            slot[0] += 1
            slot[1] ^= record_hash(rid, version)
        kept = {(team, entity): [count, checksum & _MASK] for team, entity, count, checksum in
                conn.execute(select(TeamStats.team_id, TeamStats.entity, TeamStats.count, TeamStats.checksum))}
    kept = {key: value for key, value in kept.items() if value != [0, 0]}
    return [] if kept == recount else ["team_stats differ from a recount of the records"]


def verify(engine: Engine, devices: list[Device]) -> dict[str, Any]:
    """Run every check; returns the figures and the list of problems (empty when all passed)."""
    problems: list[str] = []
    by_teams: dict[tuple[str, ...], list[Device]] = {}
    for device in devices:
        by_teams.setdefault(device.teams, []).append(device)
    for teams, group in by_teams.items():
        server = _live_records(engine, teams)
        for device in group:
            problems.extend(_model_problems(device, server))
    problems.extend(_exactly_once_problems(engine, devices))
    problems.extend(_stats_problems(engine))
    with engine.connect() as conn:
        rows = dict(conn.execute(select(Record.entity, func.count()).group_by(Record.entity)).all())
        live = conn.execute(select(func.count()).select_from(Record).where(Record.deleted.is_(False))).scalar()
    return {"passed": not problems, "problems": problems[:20], "problem_count": len(problems),
            "devices_checked": len(devices), "server_rows_by_entity": dict(sorted(rows.items())),
            "server_live_records": live,
            "mutations_sent": sum(d.last_mutation_id for d in devices),
            "records_created": sum(len(d.created) for d in devices)}
