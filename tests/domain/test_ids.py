"""Record ids are time-ordered UUIDs (version 7) that every check of an id accepts."""

from __future__ import annotations

import time
import uuid

from desktop.domain.ids import new_id
from desktop.domain.validation import clean_wire
from server.push import canonical_id


def test_a_new_id_is_a_canonical_version_7_uuid_that_the_app_and_the_server_accept() -> None:
    record_id = new_id()
    parsed = uuid.UUID(record_id)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert str(parsed) == record_id  # lower case, with its hyphens: sent and stored as it is
    assert canonical_id(record_id)  # the server's check of a pushed id
    assert clean_wire("visit", {"company_id": record_id})["company_id"] == record_id  # a reference to it


def test_ids_sort_in_the_order_they_were_made_and_start_with_the_time() -> None:
    before_ms = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(2_000)]
    assert sorted(ids) == ids  # the text sorts as the B-trees keyed by it do: each new key goes last
    assert len(set(ids)) == len(ids)
    first_ms = uuid.UUID(ids[0]).int >> 80
    # The first 48 bits are milliseconds since 1970 (uuid6 counts on by one for ids made within one).
    assert before_ms <= first_ms <= time.time_ns() // 1_000_000 + len(ids)

