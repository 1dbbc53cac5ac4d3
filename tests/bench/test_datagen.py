"""The benchmark data generator gives realistic, valid and reproducible data.

Benchmarks are only worth their figures if the data looks like a job
centre's: CVR numbers that pass the check, notes of realistic length, and
records the shared domain rules accept, in an order where parents come first.
"""

from __future__ import annotations

import uuid
from collections import Counter

from bench.datagen import Sizes, records
from desktop.domain.rules import cvr_is_valid
from desktop.domain.validation import clean_fields

SIZES = Sizes(companies=300, visits=600, centre_share=0.05, contacts_per_company=0.5, openings=60, follow_ups=40)
TEAM, CONSULTANTS = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = list(records(7, SIZES, TEAM, CONSULTANTS))
    assert first == list(records(7, SIZES, TEAM, CONSULTANTS))
    assert first != list(records(8, SIZES, TEAM, CONSULTANTS))


def test_sizes_are_kept_and_every_entity_is_there():
    kinds = Counter(entity for entity, _, _ in records(7, SIZES, TEAM, CONSULTANTS))
    assert kinds["company"] == 300 and kinds["visit"] == 600 and kinds["opening"] == 60
    assert kinds["follow_up"] == 40 and kinds["mentor"] > 0 and 100 < kinds["contact"] < 200


def test_records_are_valid_danish_data_with_parents_first():
    seen: set[str] = set()
    for entity, record_id, fields in records(7, SIZES, TEAM, CONSULTANTS):
        clean_fields(entity, {k: v for k, v in fields.items() if k != "team_id"})  # raises on anything invalid
        for ref in ("company_id", "visit_id"):
            assert fields.get(ref) is None or fields[ref] in seen, (entity, ref)
        if entity == "company":
            assert cvr_is_valid(fields["cvr"])
        if entity == "visit":
            assert 200 <= len(fields["body"]) <= 2_000
            assert any(letter in fields["body"] for letter in "æøå")
        seen.add(record_id)


def test_ordered_ids_are_time_ordered_and_change_nothing_else():
    """``ordered_ids`` gives a team that started with time-ordered ids: the same records, other ids."""
    random_ids = list(records(7, SIZES, TEAM, CONSULTANTS))
    ordered = list(records(7, SIZES, TEAM, CONSULTANTS, ordered_ids=True))
    ids = [record_id for _, record_id, _ in ordered]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    assert ordered == list(records(7, SIZES, TEAM, CONSULTANTS, ordered_ids=True))  # reproducible
    # Every record is the same apart from its id and the ids that point at it.
    renamed = {old: new for (_, old, _), (_, new, _) in zip(random_ids, ordered, strict=True)}
    for (entity, old_id, fields), (same_entity, _, same_fields) in zip(random_ids, ordered, strict=True):
        assert entity == same_entity
        assert {name: renamed.get(value, value) if isinstance(value, str) else value
                for name, value in fields.items()} == same_fields, old_id
