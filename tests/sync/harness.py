"""A consultant's laptop in a test: its own database, keychain entry and login."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.credentials import Credentials
from desktop.domain.schema import ENTITIES
from desktop.models import Database, Operations
from desktop.models.entities import MODELS
from desktop.models.local import PENDING, OutboxEntry
from desktop.sync.service import SyncService

TODAY = date(2026, 11, 23)


class Device:
    """One installation of the app, signed in to the test server."""

    def __init__(self, folder: Path, server_url: str, username: str, password: str,
                 sign_in: Callable[[SyncService], Any] | None = None, **service_kwargs: Any) -> None:
        self.folder = folder
        self.server_url = server_url
        self.username = username
        self.password = password
        self.service_kwargs = service_kwargs
        self.confirmations: list[tuple[int, int, str]] = []
        self.allow_mass_delete = False
        self.open()
        if sign_in is not None:  # e.g. the browser sign-in with the municipality's account
            sign_in(self.service)
        else:
            self.service.login(server_url, username, password, device_name=folder.name)
        self.ops = Operations(self.db, self.service.actor(), today=lambda: TODAY)

    def _confirm(self, n: int, total: int, why: str) -> bool:
        self.confirmations.append((n, total, why))
        return self.allow_mass_delete

    def open(self) -> None:
        """(Re)open the database, as the app does at start-up."""
        self._bytes_seen = 0
        self.db = Database.in_folder(self.folder)
        self.service = SyncService(
            self.db, Credentials(account=f"token-{self.folder.name}"), confirm_mass_delete=self._confirm,
            **self.service_kwargs,
        )
        if hasattr(self, "ops"):
            self.ops = Operations(self.db, self.service.actor(), today=lambda: TODAY)

    def restart(self) -> None:
        """Simulate quitting (or a crash) and starting the app again."""
        self.db.close()
        self.open()

    def sync(self, **kwargs: Any):
        return self.service.sync(**kwargs)

    @property
    def service_client_bytes(self) -> int:
        """Bytes received from the server since the last call (over every sync attempt)."""
        total = self.service.bytes_received
        seen, self._bytes_seen = getattr(self, "_bytes_seen", 0), total
        return total - seen

    def pending(self) -> int:
        with self.db.read() as session:
            return len(session.scalars(select(OutboxEntry).where(OutboxEntry.state == PENDING)).all())

    def rejected(self) -> list[OutboxEntry]:
        with self.db.read() as session:
            return list(session.scalars(select(OutboxEntry).where(OutboxEntry.state != PENDING)))

    def records(self, entity: str) -> dict[str, dict[str, Any]]:
        """Live records of one entity: id -> fields (what a user can see)."""
        model = MODELS[entity]
        names = [f.name for f in ENTITIES[entity].fields]
        with self.db.read() as session:
            rows = session.scalars(select(model).where(model.deleted.is_(False))).all()
            return {r.id: {n: getattr(r, n) for n in names} for r in rows}

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Everything this device holds, for comparing devices."""
        return {entity: self.records(entity) for entity in MODELS}

    def close(self) -> None:
        self.db.close()
