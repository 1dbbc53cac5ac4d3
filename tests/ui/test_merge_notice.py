"""A company made on this laptop that the server merged into an existing one is told once, after the sync
that brought the merge (issue 18, 1)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QMessageBox

from desktop.models import state_store
from desktop.models.changes import Changes
from desktop.models.replica import merge
from desktop.sync.engine import SyncResult
from desktop.ui.sync_relay import SyncRelay


def test_the_merge_is_told_once_after_the_sync(ctx, qtbot, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    with ctx.db.write() as session:
        state_store.set_value(session, merge.NOTICES, json.dumps([
            {"duplicate_id": "d", "surviving_id": "s", "name": "Fjerritslev Maskinfabrik"}]))
    relay = SyncRelay(ctx)
    pulled = SyncResult(changes=Changes(frozenset({"company"}), frozenset({"d"}), True))
    relay._synced(pulled)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert "Virksomheden fandtes allerede" in shown[0] and "Fjerritslev Maskinfabrik" in shown[0]
    relay._synced(pulled)  # the next sync: nothing more to tell
    qtbot.wait(300)
    assert len(shown) == 1
