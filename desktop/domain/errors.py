"""Typed domain errors that carry a user-facing message and the field name.

Every message exists in Danish (the default UI language) and English. The
``code`` is stable and machine readable; the server sends it on the wire so
the app can show the message in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (Danish, English). ``{label}`` is the field's label, other
# placeholders come from FieldError.params.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("{label} skal udfyldes.", "{label} is required."),
    "too_long": (
        "{label} må højst være {max} tegn.",
        "{label} can be at most {max} characters.",
    ),
    "not_text": ("{label} skal være tekst.", "{label} must be text."),
    "not_integer": ("{label} skal være et helt tal.", "{label} must be a whole number."),
    "not_number": ("{label} skal være et tal.", "{label} must be a number."),
    "not_duration": (
        "{label} skal være et antal uger, fx 13, eller måneder, fx 3 måneder.",
        "{label} must be a number of weeks, e.g. 13, or months, e.g. 3 months.",
    ),
    "not_bool": ("{label} skal være ja eller nej.", "{label} must be yes or no."),
    "out_of_range": (
        "{label} skal være mellem {min} og {max}.",
        "{label} must be between {min} and {max}.",
    ),
    "too_small": ("{label} skal være mindst {min}.", "{label} must be at least {min}."),
    "bad_date": (
        "{label} er ikke en gyldig dato (dd-mm-åååå).",
        "{label} is not a valid date (dd-mm-yyyy).",
    ),
    "bad_datetime": ("{label} er ikke et gyldigt tidspunkt.", "{label} is not a valid time."),
    "bad_choice": ("{label} har en ukendt værdi.", "{label} has an unknown value."),
    "bad_uuid": ("{label} er ikke et gyldigt id.", "{label} is not a valid id."),
    "cvr_format": ("CVR-nummeret skal være 8 cifre.", "The CVR number must be 8 digits."),
    "cvr_checksum": (
        "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke).",
        "The CVR number is not valid (the check digit does not match).",
    ),
    "cvr_taken": (
        "CVR-nummeret er allerede brugt af {other}.",
        "The CVR number is already used by {other}.",
    ),
    "bad_email": ("{label} er ikke en gyldig e-mailadresse.", "{label} is not a valid email address."),
    "bad_phone": (
        "{label} er ikke et gyldigt telefonnummer (8 cifre, evt. med +45).",
        "{label} is not a valid phone number (8 digits, optionally with +45).",
    ),
    "bad_postcode": ("Postnummeret skal være 4 cifre.", "The postcode must be 4 digits."),
    "end_before_start": (
        "Slutdatoen ligger før startdatoen.",
        "The end date is before the start date.",
    ),
    "unknown_field": ("Ukendt felt: {field}.", "Unknown field: {field}."),
    "not_found": ("{label} findes ikke.", "{label} does not exist."),
    "has_visits": (
        "Virksomheden har besøg. Slet besøgene først.",
        "The company has visits. Delete the visits first.",
    ),
    "approved_locked": (
        "Besøget er godkendt og kan ikke længere ændres.",
        "The visit is approved and can no longer be changed.",
    ),
    "not_allowed": ("Du har ikke adgang til at ændre dette.", "You are not allowed to change this."),
}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: what is wrong (``code``) and where."""

    field: str
    code: str
    label_da: str = ""
    label_en: str = ""
    params: tuple[tuple[str, object], ...] = ()

    def message(self, language: str = "da") -> str:
        """Return the message in Danish (``"da"``) or English (``"en"``)."""
        da, en = MESSAGES.get(self.code, ("Ugyldig værdi i {label}.", "Invalid value in {label}."))
        template = en if language == "en" else da
        label = (self.label_en if language == "en" else self.label_da) or self.field
        return template.format(**{"label": label, "field": self.field, **dict(self.params)})

    def to_wire(self) -> dict[str, object]:
        """JSON-friendly form, used in the server's rejection reasons."""
        return {"field": self.field, "code": self.code, "message": self.message("da")}


class DomainError(Exception):
    """Base of every error a user can cause and fix."""

    def message(self, language: str = "da") -> str:
        """Return a user-facing message."""
        return str(self)


class ValidationError(DomainError):
    """One or more fields were refused. ``errors`` lists each of them.

    ``row_index`` is set when one row of a batch was refused (its index in the
    rows given to ``Operations.create_many``); None for a single record.
    """

    errors: list[FieldError]
    entity: str
    row_index: int | None

    def __init__(self, errors: list[FieldError], entity: str = "", row_index: int | None = None) -> None:
        self.errors = list(errors)
        self.entity = entity
        self.row_index = row_index
        super().__init__(self.message("da"))

    @property
    def field(self) -> str:
        """The first field that failed (for showing a message next to it)."""
        return self.errors[0].field if self.errors else ""

    def message(self, language: str = "da") -> str:
        """All field messages joined into one line."""
        return " ".join(e.message(language) for e in self.errors)

    def by_field(self, language: str = "da") -> dict[str, str]:
        """Map each failing field to its message (for forms)."""
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message(language))
        return out

    def to_wire(self) -> list[dict[str, object]]:
        """Return the errors as JSON-friendly dicts."""
        return [e.to_wire() for e in self.errors]
