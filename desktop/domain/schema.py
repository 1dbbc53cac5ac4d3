"""The entity schema of DESIGN.md §2: field names (also the wire names),
types, limits and labels, in one table that the app and the server share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Field kinds. Values travel on the wire as JSON: dates as "YYYY-MM-DD",
# date-times as ISO 8601 in UTC, everything else as the plain JSON type.
TEXT = "text"
INT = "int"
FLOAT = "float"
BOOL = "bool"
DATE = "date"
DATETIME = "datetime"
UUID = "uuid"
CHOICE = "choice"

SHORT = 200
MEDIUM = 2_000
LONG = 100_000  # a visit note of ~30 pages; more is a paste accident


@dataclass(frozen=True)
class FieldSpec:
    """One field of an entity."""

    name: str
    kind: str
    label_da: str
    label_en: str
    required: bool = False
    max_len: int = SHORT
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    check: str = ""  # extra rule: cvr, email, phone, postcode; weeks (months typed are turned into weeks)
    default: object = None
    ref: str = ""  # entity this uuid points at
    searchable: bool = False  # goes into the full-text index


@dataclass(frozen=True)
class EntitySpec:
    """One entity: its wire name, labels and fields (sync columns excluded)."""

    name: str
    label_da: str
    label_en: str
    fields: tuple[FieldSpec, ...]
    title_field: str = "name"
    field_map: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.field_map.update({f.name: f for f in self.fields})

    def defaults(self) -> dict[str, object]:
        """Default values for a new record."""
        return {f.name: f.default for f in self.fields if f.default is not None}


def _f(name: str, kind: str, da: str, en: str, **kw: object) -> FieldSpec:
    return FieldSpec(name, kind, da, en, **kw)  # type: ignore[arg-type]


VISIT_KINDS = ("first_contact", "follow_up", "centre_visit", "phone")
VISIT_STATUSES = ("draft", "ready")
OPENING_KINDS = (
    "smaajob",
    "virksomhedspraktik",
    "loentilskud",
    "fleksjob",
    "igu",
    "ordinary",
    "voksenlaerling",
)
OPENING_STATUSES = ("open", "in_dialogue", "filled", "closed")
SUBJECT_KINDS = ("company", "visit", "opening")
REVIEW_STATES = ("received", "edited", "has_issues", "approved", "rejected")
ROLES = ("consultant", "supervisor", "admin")

COMPANY = EntitySpec(
    "company",
    "Virksomhed",
    "Company",
    (
        _f("name", TEXT, "Navn", "Name", required=True, searchable=True),
        _f("cvr", TEXT, "CVR-nummer", "CVR number", check="cvr", max_len=8, searchable=True),
        _f("address", TEXT, "Adresse", "Address", searchable=True),
        _f("postcode", TEXT, "Postnummer", "Postcode", check="postcode", max_len=4),
        _f("city", TEXT, "By", "City", searchable=True),
        _f("municipality", TEXT, "Kommune", "Municipality"),
        _f("industry", TEXT, "Branche", "Industry", searchable=True),
        _f("phone", TEXT, "Telefon", "Phone", check="phone", max_len=20),
        _f("email", TEXT, "E-mail", "Email", check="email", max_len=254),
        _f("website", TEXT, "Hjemmeside", "Website"),
        _f("notes", TEXT, "Noter", "Notes", max_len=LONG, searchable=True),
        _f("responsible_user_id", UUID, "Ansvarlig konsulent", "Responsible consultant"),
        _f("is_centre", BOOL, "Virksomhedscenter", "Company centre", default=False),
        _f("centre_work_areas", TEXT, "Arbejdsområder", "Work areas", max_len=MEDIUM, searchable=True),
        _f("centre_target_groups", TEXT, "Målgrupper", "Target groups", max_len=MEDIUM),
        _f("centre_places", INT, "Antal pladser", "Places", minimum=0, maximum=1000),
        _f(
            "centre_visit_interval_days",
            INT,
            "Besøgsinterval (dage)",
            "Visit interval (days)",
            minimum=1,
            maximum=365,
            default=21,
        ),
        _f("centre_agreement_start", DATE, "Aftale fra", "Agreement from"),
        _f("centre_agreement_end", DATE, "Aftale til", "Agreement until"),
    ),
)

CONTACT = EntitySpec(
    "contact",
    "Kontaktperson",
    "Contact person",
    (
        _f("company_id", UUID, "Virksomhed", "Company", required=True, ref="company"),
        _f("name", TEXT, "Navn", "Name", required=True, searchable=True),
        _f("title", TEXT, "Stilling", "Title", searchable=True),
        _f("phone", TEXT, "Telefon", "Phone", check="phone", max_len=20, searchable=True),
        _f("email", TEXT, "E-mail", "Email", check="email", max_len=254, searchable=True),
    ),
)

MENTOR = EntitySpec(
    "mentor",
    "Virksomhedsmentor",
    "Company mentor",
    (
        _f("company_id", UUID, "Virksomhed", "Company", required=True, ref="company"),
        _f("name", TEXT, "Navn", "Name", required=True, searchable=True),
        _f("title", TEXT, "Stilling", "Title", searchable=True),
        _f("phone", TEXT, "Telefon", "Phone", check="phone", max_len=20, searchable=True),
        _f("email", TEXT, "E-mail", "Email", check="email", max_len=254, searchable=True),
        _f("trained_on", DATE, "Mentoruddannet", "Mentor training date"),
        _f("capacity", INT, "Kapacitet (borgere ad gangen)", "Capacity (citizens at once)",
           minimum=1, maximum=50, default=1),
        _f("active", BOOL, "Aktiv", "Active", default=True),
        _f("notes", TEXT, "Noter", "Notes", max_len=LONG, searchable=True),
    ),
)

VISIT = EntitySpec(
    "visit",
    "Besøg",
    "Visit",
    (
        _f("company_id", UUID, "Virksomhed", "Company", required=True, ref="company"),
        _f("consultant_id", UUID, "Konsulent", "Consultant"),
        _f("visited_at", DATE, "Besøgsdato", "Visit date", required=True),
        _f("kind", CHOICE, "Type", "Kind", choices=VISIT_KINDS, default="first_contact"),
        _f("participants", TEXT, "Deltagere", "Participants", max_len=MEDIUM, searchable=True),
        _f("body", TEXT, "Referat", "Note", max_len=LONG, searchable=True),
        _f("needs", TEXT, "Behov spottet", "Needs spotted", max_len=LONG, searchable=True),
        _f("next_step", TEXT, "Næste skridt", "Next step", max_len=MEDIUM, searchable=True),
        _f("follow_up_on", DATE, "Opfølgning den", "Follow up on"),
        _f("status", CHOICE, "Status", "Status", choices=VISIT_STATUSES, default="draft"),
    ),
    title_field="visited_at",
)

OPENING = EntitySpec(
    "opening",
    "Jobåbning",
    "Opening",
    (
        _f("company_id", UUID, "Virksomhed", "Company", required=True, ref="company"),
        _f("visit_id", UUID, "Fra besøg", "From visit", ref="visit"),
        _f("title", TEXT, "Titel", "Title", required=True, searchable=True),
        _f("job_functions", TEXT, "Arbejdsopgaver", "Job functions", max_len=MEDIUM, searchable=True),
        _f("kind", CHOICE, "Type", "Kind", choices=OPENING_KINDS, required=True),
        _f("hours_per_week", FLOAT, "Timer pr. uge", "Hours per week", minimum=0, maximum=37),
        _f("duration_weeks", INT, "Varighed (uger)", "Duration (weeks)", minimum=1, maximum=520, check="weeks"),
        _f("starts_on", DATE, "Start", "Starts on"),
        _f("places", INT, "Antal pladser", "Places", minimum=1, maximum=1000, default=1),
        _f("target_group", TEXT, "Målgruppe", "Target group", max_len=MEDIUM),
        _f("accommodations", TEXT, "Skånehensyn", "Accommodations", max_len=MEDIUM),
        _f("mentor_id", UUID, "Mentor", "Mentor", ref="mentor"),
        _f("status", CHOICE, "Status", "Status", choices=OPENING_STATUSES, default="open"),
    ),
    title_field="title",
)

FOLLOW_UP = EntitySpec(
    "follow_up",
    "Opfølgning",
    "Follow-up",
    (
        _f("due_on", DATE, "Dato", "Due on", required=True),
        _f("subject_kind", CHOICE, "Vedrører", "Concerns", choices=SUBJECT_KINDS, required=True),
        _f("subject_id", UUID, "Vedrører", "Concerns", required=True),
        _f("assignee_id", UUID, "Ansvarlig", "Assignee"),
        _f("note", TEXT, "Note", "Note", max_len=MEDIUM, searchable=True),
        _f("done", BOOL, "Udført", "Done", default=False),
        # Set on follow-ups the app plans by itself ("midway", "end", "centre"),
        # so a changed duration moves the planned ones and never the manual ones.
        _f("auto_key", TEXT, "Planlagt af", "Planned by", max_len=40),
    ),
    title_field="note",
)

REVIEW = EntitySpec(
    "review",
    "Gennemsyn",
    "Review",
    (
        _f("visit_id", UUID, "Besøg", "Visit", required=True, ref="visit"),
        _f("state", CHOICE, "Status", "State", choices=REVIEW_STATES, required=True),
        _f("comment", TEXT, "Kommentar", "Comment", max_len=MEDIUM),
        _f("reviewer_id", UUID, "Gennemset af", "Reviewer"),
        _f("reviewed_at", DATETIME, "Gennemset", "Reviewed at"),
    ),
    title_field="state",
)

CONFLICT = EntitySpec(
    "conflict",
    "Konflikt",
    "Conflict",
    (
        _f("entity", TEXT, "Type", "Entity", required=True, max_len=40),
        _f("record_id", UUID, "Post", "Record", required=True),
        _f("field", TEXT, "Felt", "Field", required=True, max_len=60),
        _f("kept_value", TEXT, "Gemt værdi", "Kept value", max_len=LONG),
        _f("lost_value", TEXT, "Overskrevet værdi", "Overwritten value", max_len=LONG),
        _f("kept_by", UUID, "Gemt af", "Kept by"),
        _f("lost_by", UUID, "Overskrevet for", "Overwritten for"),
        _f("resolved", BOOL, "Løst", "Resolved", default=False),
    ),
    title_field="field",
)

ENTITIES: dict[str, EntitySpec] = {
    e.name: e for e in (COMPANY, CONTACT, MENTOR, VISIT, OPENING, FOLLOW_UP, REVIEW, CONFLICT)
}
# What a field client may push. Reviews are server-owned; of a conflict a
# client may only change ``resolved``.
CLIENT_WRITABLE_ENTITIES = ("company", "contact", "mentor", "visit", "opening", "follow_up", "conflict")
SYNCED_ENTITIES = tuple(ENTITIES)
# Columns every synced record carries besides its fields.
SYNC_COLUMNS = ("id", "team_id", "version", "created_at", "updated_at", "created_by", "deleted")
