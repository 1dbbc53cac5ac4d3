"""What an operation (or a sync) changed, so screens know what to refresh."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """The entities and record ids one operation or one sync page touched."""

    entities: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    from_sync: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.entities | other.entities, self.ids | other.ids, self.from_sync or other.from_sync
        )

    def __bool__(self) -> bool:
        return bool(self.entities)

    def touches(self, *entities: str) -> bool:
        """True if any of ``entities`` changed."""
        return any(e in self.entities for e in entities)


@dataclass(frozen=True)
class Result:
    """What a create operation returns: the new record's id and the changes."""

    id: str
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class Actor:
    """Who is writing: the signed-in user and the team new records belong to.

    Both are None on a device that has never signed in; its records get their
    team when the user first signs in (see desktop.sync).
    """

    user_id: str | None = None
    team_id: str | None = None
