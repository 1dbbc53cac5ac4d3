"""What one sync did, and the safety rail every step that deletes shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.errors import UserFacingError
from desktop.models.changes import Changes

CLOCK_SKEW_WARNING_SECONDS = 300
MASS_DELETE_SHARE = 0.5
MIN_ROWS_FOR_MASS_DELETE_CHECK = 10

# confirm_mass_delete(rows_to_delete, local_rows, reason) -> True to go ahead
ConfirmMassDelete = Callable[[int, int, str], bool]


class SyncAborted(UserFacingError):
    """The user (or the safety rail) said no: nothing was deleted."""


@dataclass
class SyncResult:
    """What one sync did, for the status bar and the log."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    pages: int = 0
    full_resync: bool = False
    verified: bool = False
    clock_skew_seconds: float = 0.0
    erased: bool = False  # pulled text the server erased: scrub the files afterwards
    wiped: bool = False  # removed a team's data this user may no longer keep
    handed_back: int = 0  # records given back to a server restored from a backup
    prepared: int = 0  # records of the server's prepared copy the first sync began with (desktop.sync.prepared)
    changes: Changes = field(default_factory=Changes)
    rejections: list[str] = field(default_factory=list)

    @property
    def clock_skew_warning(self) -> bool:
        """True when the laptop's clock is more than 5 minutes off the server's."""
        return abs(self.clock_skew_seconds) > CLOCK_SKEW_WARNING_SECONDS


def is_mass_delete(to_delete: int, local_rows: int) -> bool:
    """True when deleting ``to_delete`` of ``local_rows`` records needs the user's yes (more than half of enough)."""
    return local_rows >= MIN_ROWS_FOR_MASS_DELETE_CHECK and to_delete > local_rows * MASS_DELETE_SHARE
