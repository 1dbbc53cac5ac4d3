"""Pure-Python domain rules shared by the desktop app and the server.

Nothing here imports SQLAlchemy, Qt or FastAPI: the entity schema, the
validation rules and the wire conversion live in one place so that the app
and the server can never disagree about what a valid company or visit is.
"""

from desktop.domain.errors import DomainError, FieldError, ValidationError
from desktop.domain.schema import (
    CLIENT_WRITABLE_ENTITIES,
    ENTITIES,
    SYNCED_ENTITIES,
    EntitySpec,
    FieldSpec,
)
from desktop.domain.validation import clean_fields, validate_record

__all__ = [
    "CLIENT_WRITABLE_ENTITIES",
    "ENTITIES",
    "SYNCED_ENTITIES",
    "DomainError",
    "EntitySpec",
    "FieldError",
    "FieldSpec",
    "ValidationError",
    "clean_fields",
    "validate_record",
]
