"""One word for where a visit note stands, the same on every screen.

A visit's own ``status`` says only draft or ready; once a supervisor has
given a verdict (or the consultant corrected the note after one), that
verdict is what people need to read: "Godkendt", not "Klar til gennemsyn".
"""

from __future__ import annotations

from desktop.ui import i18n

# Review states that say more than the visit's status does ("received" only repeats "ready").
SHOWN_REVIEW_STATES = ("approved", "has_issues", "rejected", "edited")


def visit_state_text(status: str | None, review_state: str | None) -> str:
    """"Godkendt", "Har mangler", "Afvist", "Rettet", else "Kladde" / "Klar til gennemsyn"."""
    if review_state in SHOWN_REVIEW_STATES:
        return i18n.choice("review", "state", review_state)
    return i18n.choice("visit", "status", status)
