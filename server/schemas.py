"""Request and response models: they make /openapi.json document the API fully."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from desktop.domain.protocol import PUSH_MAX_MUTATIONS

# Text in a request: no NUL character (PostgreSQL cannot store one, and no user types one), so a
# NUL gets the same 422 on both databases instead of reaching a query.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Envelope(BaseModel):
    """Top-level request bodies ignore keys they do not know, so a newer app can add some (app_version)."""

    model_config = ConfigDict(extra="ignore")


class LoginRequest(Envelope):
    username: Text = Field(min_length=1, max_length=100)
    password: Text = Field(min_length=1, max_length=200)
    device_name: Text = Field(default="", max_length=200)


class UserOut(BaseModel):
    id: str
    username: str
    full_name: str
    role: str


class TeamOut(BaseModel):
    id: str
    name: str


class LoginResponse(BaseModel):
    token: str
    expires_at: str
    user: UserOut
    teams: list[TeamOut]
    server_time: str


class RefreshResponse(BaseModel):
    """A new token for the one the request came with (which is now revoked)."""

    token: str
    expires_at: str
    server_time: str


# What one pushed mutation may carry, checked before anything else looks at it (and long before the
# push transaction): no entity has more than ~30 fields and no field name is longer than 30 characters.
# A refusal is one short 422 for the batch (no app sends such a thing).
MAX_FIELDS = 64
MAX_FIELD_NAME = 64
MAX_ID = 2**62


def bounded_fields(value: Any) -> Any:
    """Cheap checks on a mutation's ``fields`` before pydantic (or anyone) walks through them."""
    if not isinstance(value, dict):
        return value  # pydantic's own dict check answers
    if len(value) > MAX_FIELDS:
        raise ValueError(f"at most {MAX_FIELDS} fields per mutation")
    if any(len(name) > MAX_FIELD_NAME for name in value):
        raise ValueError(f"a field name is at most {MAX_FIELD_NAME} characters")
    return value  # the values are the domain rules' to judge, per mutation


class Mutation(Strict):
    mutation_id: int = Field(ge=1, le=MAX_ID)
    entity: Text = Field(max_length=40)
    id: Text = Field(min_length=1, max_length=64)
    op: Literal["upsert", "delete"]
    base_version: int = Field(ge=0, le=MAX_ID)
    fields: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _few_keys(cls, data: Any) -> Any:
        # Before pydantic lists every unknown key (extra="forbid") one error at a time.
        if isinstance(data, dict) and len(data) > 12:
            raise ValueError("a mutation has six keys")
        return data

    @field_validator("fields", mode="before")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        return bounded_fields(value)


# A device id is the app's UUID; printable ASCII keeps it out of every encoding trap.
DeviceId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]


class PushRequest(Envelope):
    device_id: DeviceId
    schema_version: int
    mutations: list[Mutation] = Field(max_length=PUSH_MAX_MUTATIONS)

    @field_validator("mutations", mode="before")
    @classmethod
    def _not_too_many(cls, value: Any) -> Any:
        # Counted before each one is validated (pydantic checks max_length only after).
        if isinstance(value, list) and len(value) > PUSH_MAX_MUTATIONS:
            raise ValueError(f"at most {PUSH_MAX_MUTATIONS} mutations per push")
        return value


class FieldErrorOut(BaseModel):
    field: str
    code: str
    message: str


class MutationResult(BaseModel):
    mutation_id: int
    status: Literal["applied", "rejected"]
    reason: str | None = None
    code: str | None = None
    errors: list[FieldErrorOut] | None = None
    version: int | None = None


class PushResponse(BaseModel):
    results: list[MutationResult]
    last_mutation_id: int
    server_time: str


class Change(BaseModel):
    entity: str
    id: str
    op: Literal["upsert", "delete"]
    version: int
    fields: dict[str, Any]


class PullResponse(BaseModel):
    changes: list[Change]
    cursor: int
    has_more: bool
    server_time: str


class SummaryResponse(BaseModel):
    counts: dict[str, int]
    checksum: str
    cursor: int
    teams: list[str]
    server_time: str
    era: int = 0  # changes when the server notices it was restored from a backup (server/restore.py)
    restore_point: int = 0  # the sequence number it was restored to
    page: PullResponse | None = None  # asked for with ``since``: the first pull page after it, if any


class QueueItem(BaseModel):
    visit_id: str
    team_id: str
    company_id: str | None
    company_name: str
    consultant_id: str | None
    visited_at: str | None
    state: str
    body_excerpt: str
    version: int


class QueueResponse(BaseModel):
    items: list[QueueItem]


class ReviewRequest(Strict):
    state: Literal["has_issues", "approved", "rejected"]
    comment: Text = Field(default="", max_length=2000)


class HealthResponse(BaseModel):
    status: str
    version: str
    build: str  # FELTBOG_BUILD: the git commit the installers and the Dockerfile set, else "dev"
    schema_version: int
    server_time: str


class TeamCreate(Strict):
    name: Text = Field(min_length=1, max_length=200)


class UserCreate(Strict):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    full_name: Text = Field(min_length=1, max_length=200)
    role: Literal["consultant", "supervisor", "admin"]
    password: Text = Field(min_length=8, max_length=200)
    email: Text | None = Field(default=None, max_length=254)


class UserAdminOut(UserOut):
    active: bool
    teams: list[str]


class MembershipRequest(Strict):
    user_id: Text = Field(max_length=100)
    team_id: Text = Field(max_length=200)


class PasswordRequest(Strict):
    password: Text = Field(min_length=8, max_length=200)


class ErrorDetail(BaseModel):
    """Why a request was refused: a stable ``code`` and a Danish ``message`` (more keys for some codes)."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str = ""
    expected: int | None = Field(default=None, description="mutation_gap: the mutation id the server expects next")


class ErrorResponse(BaseModel):
    """Every 4xx answer: ``{"detail": {"code": ..., "message": ...}}``."""

    detail: ErrorDetail


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a route's error statuses."""
    text = {400: "bad request", 401: "auth: missing, unknown, expired or revoked token", 403: "not_allowed",
            404: "not_found", 409: "conflict with the current state", 410: "resync_required",
            413: "too_large", 422: "invalid_request", 426: "client_too_old", 429: "rate_limited"}
    responses: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse, "description": text.get(code, "error")} for code in codes}
    if 429 in responses:
        responses[429]["headers"] = {"Retry-After": {"description": "seconds to wait before trying again",
                                                     "schema": {"type": "integer", "minimum": 1}, "required": True}}
    return responses
