"""Record ids: UUIDs whose first 48 bits are the time they were made (version 7, RFC 9562).

The app makes a record's id when the record is typed, offline; the server
only checks that it is a canonical UUID (any version), so ids of either kind
live side by side. Time-ordered ids sort by creation: a new record's key goes
at the end of every B-tree keyed by id (the laptop's tables, the server's
``records`` and its audit log's ``entity_id`` index) instead of on a random
page of it. A push of 1,000 new records then dirties a few pages where random
(version 4) ids dirtied a page per record, on SQLite and PostgreSQL alike
(docs/performance.md, "Time-ordered record ids"). The time in the id says no
more than the record's own ``created_at``.
"""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A new record id: a version 7 UUID in its canonical lower-case text form."""
    return str(uuid6.uuid7())
