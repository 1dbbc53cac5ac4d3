"""When this device must stop keeping data: the sync side of a team left or access revoked.

The rows, search entries and outbox entries are removed by
:mod:`desktop.models.replica` (which also says how the bytes leave the disk);
here the sync state that must change in the same transaction is kept with
them: the remembered team list, the account's teams and the cursor.
"""

from __future__ import annotations

import logging

from desktop.models import replica
from desktop.models.changes import Changes
from desktop.models.db import Database
from desktop.sync import state

log = logging.getLogger(__name__)
SYNCED_TEAMS = "synced_teams"  # sync_state key: the server's team list at the last check, comma-separated


def compare_teams(db: Database, teams: list[str]) -> tuple[set[str], bool]:
    """The teams this device synced before (or signed in with) that the server no longer lists,
    and whether the server's list differs at all from the last check (so a team may have been left).
    """
    with db.read() as session:
        remembered = state.get_value(session, SYNCED_TEAMS)
        known = set(remembered.split(",")) if remembered else {t["id"] for t in state.load_account(session).teams}
    return {t for t in known if t} - set(teams), remembered != ",".join(sorted(teams))


def wipe_teams_not_in(db: Database, teams: list[str], server_cursor: int | None = None) -> Changes:
    """Remove every local row of a team not in ``teams``, and forget those teams, in one transaction.

    So a crash cannot separate them: the rows go, the account forgets the
    teams left (new records must not be stamped with one), and the cursor
    drops to the server's (``server_cursor``), which may lie below this
    device's once the teams left no longer count. Rows with an unsent edit
    stay, and the remembered list is left as it was so the next sync comes
    back for them after its push.
    """
    keep = set(teams)
    with db.write() as session:
        changes, kept = replica.drop_teams_not_in(session, keep)
        if not kept:
            state.set_value(session, SYNCED_TEAMS, ",".join(sorted(teams)))
        account = state.load_account(session)
        state.set_value(session, state.TEAMS, [t for t in account.teams if t.get("id") in keep])
        if server_cursor is not None:
            state.set_value(session, state.CURSOR, str(min(state.get_int(session, state.CURSOR), server_cursor)))
    return changes


def wipe_everything(db: Database) -> Changes:
    """Delete all synced data, the search index, the outbox, the sync position and the backups (access revoked)."""
    with db.write() as session:
        changes = replica.wipe_all(session)
        for key in (state.CURSOR, state.LAST_VERIFIED, state.VERIFY_SKIPS, state.VERIFIED_AT,
                    state.NEEDS_FULL_RESYNC, state.TEAMS, state.MEMBERS, SYNCED_TEAMS):
            state.set_value(session, key, None)
    db.remove_backups()
    return changes
