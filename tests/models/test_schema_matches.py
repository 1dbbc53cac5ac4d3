"""The domain schema (desktop.domain.schema.ENTITIES) and the SQLAlchemy models
(desktop.models.entities.MODELS) describe the same entities, field for field."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text

from desktop.domain.schema import (
    BOOL,
    CHOICE,
    CLIENT_WRITABLE_ENTITIES,
    DATE,
    DATETIME,
    ENTITIES,
    FLOAT,
    INT,
    SYNC_COLUMNS,
    TEXT,
    UUID,
)
from desktop.models.entities import MODELS

# Which column types can hold each field kind.
COMPATIBLE = {
    TEXT: (String, Text),
    CHOICE: (String,),
    UUID: (String,),
    INT: (Integer,),
    FLOAT: (Float,),
    BOOL: (Boolean,),
    DATE: (Date,),
    DATETIME: (DateTime,),
}
DESIGN_ENTITIES = {"company", "contact", "mentor", "visit", "opening", "follow_up", "review", "conflict"}
FIELDS = [(entity, field) for entity, spec in ENTITIES.items() for field in spec.fields]


def columns(entity):
    return {column.name: column for column in MODELS[entity].__table__.columns}


def test_every_entity_of_the_design_has_a_spec_and_a_model():
    assert set(ENTITIES) == DESIGN_ENTITIES
    assert set(MODELS) == DESIGN_ENTITIES
    assert set(CLIENT_WRITABLE_ENTITIES) == DESIGN_ENTITIES - {"review"}


@pytest.mark.parametrize("entity", sorted(DESIGN_ENTITIES))
def test_every_model_has_the_sync_columns(entity):
    cols = columns(entity)
    assert set(SYNC_COLUMNS) <= set(cols)
    assert cols["id"].primary_key and isinstance(cols["id"].type, String) and cols["id"].type.length == 36
    assert isinstance(cols["version"].type, Integer) and not cols["version"].nullable
    assert isinstance(cols["deleted"].type, Boolean) and not cols["deleted"].nullable
    assert isinstance(cols["created_at"].type, DateTime) and cols["created_at"].type.timezone
    assert isinstance(cols["updated_at"].type, DateTime)
    assert isinstance(cols["team_id"].type, String) and isinstance(cols["created_by"].type, String)


@pytest.mark.parametrize("entity", sorted(DESIGN_ENTITIES))
def test_fields_and_columns_are_the_same_names_apart_from_the_sync_columns(entity):
    fields = set(ENTITIES[entity].field_map)
    cols = set(columns(entity)) - set(SYNC_COLUMNS)
    assert fields - cols == set(), f"{entity}: fields without a column"
    assert cols - fields == set(), f"{entity}: columns without a field"
    assert not fields & set(SYNC_COLUMNS), f"{entity}: a field shadows a sync column"


@pytest.mark.parametrize(("entity", "field"), FIELDS, ids=[f"{e}.{f.name}" for e, f in FIELDS])
def test_each_column_can_hold_its_field(entity, field):
    column = columns(entity)[field.name]
    assert isinstance(column.type, COMPATIBLE[field.kind]), (column.type, field.kind)
    if isinstance(column.type, String) and not isinstance(column.type, Text) and column.type.length:
        longest = {TEXT: field.max_len, UUID: 36, CHOICE: max(map(len, field.choices), default=0)}[field.kind]
        assert column.type.length >= longest, f"{entity}.{field.name} holds {column.type.length} < {longest}"
    if field.required:
        assert not column.nullable, f"{entity}.{field.name} is required but the column allows NULL"
    if not column.nullable and not field.required:
        # A NOT NULL column for an optional field needs a default to fall back on.
        assert field.default is not None and column.default is not None, f"{entity}.{field.name}"
    if field.default is not None and column.default is not None:
        assert column.default.arg == field.default, f"{entity}.{field.name} defaults differ"


@pytest.mark.parametrize("entity", sorted(DESIGN_ENTITIES))
def test_references_point_at_real_entities(entity):
    for field in ENTITIES[entity].fields:
        if field.ref:
            assert field.ref in ENTITIES and field.kind == UUID, f"{entity}.{field.name}"
