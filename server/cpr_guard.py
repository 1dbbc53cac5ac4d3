"""The server's half of the CPR guard: refuse a pushed change whose free text holds a CPR number.

Only when the municipality turns it on (``Settings.refuse_cpr_numbers``); the
app warns as the number is typed either way (desktop/domain/cpr.py). The
refusal is an ordinary per-mutation one: the device keeps the change with the
Danish reason, and the mutations after it still apply.
"""

from __future__ import annotations

from typing import Any

from desktop.domain.cpr import REFUSED_CODE, fields_with_cpr, refusal_reason
from desktop.domain.schema import ENTITIES
from server.push import Refused


def refuse_cpr(mutation: dict[str, Any]) -> None:
    """Raise :class:`Refused` if an upsert's free-text fields hold a CPR number (the reason quotes none)."""
    entity = mutation.get("entity")
    fields = mutation.get("fields")
    if mutation.get("op") != "upsert" or entity not in ENTITIES or not isinstance(fields, dict):
        return
    names = fields_with_cpr(str(entity), fields)
    if not names:
        return
    errors = [{"field": name, "code": REFUSED_CODE, "message": refusal_reason(str(entity), name)} for name in names]
    raise Refused(REFUSED_CODE, refusal_reason(str(entity), names[0]), errors)
