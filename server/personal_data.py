"""Finding everything the server stores about one person, and exporting it (GDPR art. 15).

A person is given by a name, an email, a phone number and/or a CPR number (one
that slipped into a note before the CPR guard, desktop/domain/cpr.py, caught it:
found however it was written, ``010190-1234``, ``0101901234``, ``010190 1234``). Two kinds of
records are found:

* **person records**: contacts and mentors whose own name, email or phone is
  the person's (names compared case- and accent-insensitively, see
  :func:`desktop.domain.privacy.fold`; phones as digits without +45);
* **mentions**: any record (visits, openings, companies, follow-ups, reviews,
  conflict copies, also tombstones) with a free-text field that names the
  person as whole words, or holds their email or phone.

Every synced record is one row of ``records`` with its fields as JSON text, so
the database narrows the candidates with ``LIKE`` (``ILIKE`` on PostgreSQL)
over that text, and Python then decides exactly on the folded text
(:func:`desktop.domain.folding.fold`, the app's own search folding) at word
boundaries. The narrowing must never miss a spelling the fold treats as the
same: "Soren Olgaard" typed on an English keyboard is "Søren Ølgaard",
"Soeren Oelgaard" or "SØREN ØLGÅRD" in the notes. So each word of the name is
looked for by what folding leaves alone, its consonants in order, with a
wildcard where the fold may have changed letters (every run of vowels: ø, oe,
ö and o all fold to o; å and aa to a; æ to ae; é to e): "%s%r%n%" and
"%lg%rd%". An accent on a consonant ("Çelik" typed "Celik") is still missed;
search with the spelling used in the notes then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, and_, or_, select

from desktop.domain.cpr import is_cpr
from desktop.domain.folding import fold
from desktop.domain.privacy import ERASED, fold_name, normalise_phone
from desktop.domain.schema import ENTITIES, TEXT
from server.admin import AdminError
from server.security import iso, utcnow
from server.store import audit, audit_rows
from server.tables import AuditEntry, Record, User

PERSON_ENTITIES = ("contact", "mentor")
TEXT_FIELDS = {name: tuple(f.name for f in spec.fields if f.kind == TEXT) for name, spec in ENTITIES.items()}
_VOWELS = re.compile(r"[aeiouy]+")  # what folding may have changed: a wildcard in the narrowing


@dataclass(frozen=True)
class Person:
    """Who to look for; at least one of the four is given (``cpr`` as ten digits)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    cpr: str | None = None

    @classmethod
    def from_values(cls, name: str | None = None, email: str | None = None, phone: str | None = None,
                    cpr: str | None = None) -> Person:
        """Check and normalise what an operator typed; raises AdminError when it is too vague."""
        name = (name or "").strip() or None
        email = (email or "").strip().lower() or None
        phone = (phone or "").strip() or None
        cpr = re.sub(r"[\s-]", "", cpr or "") or None
        if not (name or email or phone or cpr):
            raise AdminError("Angiv navn, e-mail, telefon eller CPR-nummer.")
        if cpr is not None and not is_cpr(cpr):
            raise AdminError("CPR-nummeret er ugyldigt (ti cifre, de første seks en dato).")
        if name is not None and (len(re.sub(r"\W", "", fold(name))) < 3 or fold(name) == fold(ERASED)):
            raise AdminError("Navnet er for kort til at søge sikkert på.")
        if email is not None and ("@" not in email or len(email) > 254):
            raise AdminError("E-mailadressen er ugyldig.")
        if phone is not None and not 6 <= len(normalise_phone(phone)) <= 15:
            raise AdminError("Telefonnummeret er ugyldigt.")
        return cls(name, email, normalise_phone(phone) if phone else None, cpr)

    def describe(self) -> dict[str, str]:
        """The identifiers as given (for the export's header; never stored in the audit log)."""
        return {k: v for k, v in (("name", self.name), ("email", self.email), ("phone", self.phone),
                                  ("cpr", self.cpr)) if v}


_TOKEN = re.compile(r"[^\W_]+")  # a word: letters and digits
ESC = "\\"  # LIKE's escape character


@dataclass
class Matcher:
    """Decides exactly whether a text mentions the person, and where (to replace it)."""

    person: Person
    name_words: list[str] = field(default_factory=list)
    regexes: list[re.Pattern[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        p = self.person
        if p.name:
            self.name_words = _TOKEN.findall(fold(p.name))
        if p.email:
            self.regexes.append(re.compile(r"(?<![\w.+-])" + re.escape(p.email) + r"(?![\w-])", re.IGNORECASE))
        if p.phone:
            sep = r"[\s.-]*"
            body = sep.join(re.escape(d) for d in p.phone)
            self.regexes.append(re.compile(r"(?<!\d)(?:(?:\+|00)45" + sep + r")?" + body + r"(?!\d)"))
        if p.cpr:  # written as the CPR guard reads them: a hyphen and/or spaces between the two parts, or none
            self.regexes.append(re.compile(r"(?<!\d)" + p.cpr[:6] + r"(?: *- *| +)?" + p.cpr[6:] + r"(?!\d)"))

    def _name_spans(self, text: str) -> list[tuple[int, int]]:
        # Word by word, each folded on its own: the spans then point into the original text.
        words = self.name_words
        if not words:
            return []
        folded = fold(text)
        if not all(w in folded for w in words):  # cheap test before tokenising
            return []
        tokens = [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]
        spans, i, k = [], 0, len(words)
        while i + k <= len(tokens):
            if all(tokens[i + j][2] == words[j] for j in range(k)):
                spans.append((tokens[i][0], tokens[i + k - 1][1]))
                i += k
            else:
                i += 1
        return spans

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names the person (whole words) or holds their email or phone."""
        found = self._name_spans(text)
        for regex in self.regexes:
            found.extend(m.span() for m in regex.finditer(text))
        return sorted(found)

    def mentions(self, text: str) -> bool:
        """True if the text names the person, or holds their email or phone."""
        return bool(self.spans(text))

    def replace(self, text: str, marker: str = ERASED) -> str:
        """The text with every mention replaced by ``marker``."""
        merged: list[list[int]] = []
        for start, end in self.spans(text):
            if merged and start <= merged[-1][1]:  # overlapping, e.g. a name inside an email
                merged[-1][1] = max(end, merged[-1][1])
            else:
                merged.append([start, end])
        out: list[str] = []
        last = 0
        for start, end in merged:
            out.extend((text[last:start], marker))
            last = end
        out.append(text[last:])
        return "".join(out)

    def is_person(self, fields: dict[str, Any]) -> bool:
        """True if a contact's or mentor's own name, email or phone is the person's."""
        p = self.person
        name, email, phone = fields.get("name"), fields.get("email"), fields.get("phone")
        return bool(
            (p.name and isinstance(name, str) and fold_name(name) == fold_name(p.name))
            or (p.email and isinstance(email, str) and email.strip().lower() == p.email)
            or (p.phone and isinstance(phone, str) and normalise_phone(phone) == p.phone)
        )


def _skeleton(word: str) -> str:
    """A LIKE pattern for a word in any spelling that folds like it: its consonants in order (escaped)."""
    parts = [_escape_like(part) for part in _VOWELS.split(fold(word))]
    return "%" + "%".join(part for part in parts if part) + "%"


def _like_terms(person: Person) -> set[str]:
    """Terms any of which a matching record's text holds (the name's words are in :func:`_name_patterns`)."""
    terms: set[str] = set()
    if person.email:
        terms.add(_escape_like(person.email))
    if person.phone:
        d = person.phone
        terms.add(d)
        if len(d) == 8:  # the usual Danish ways of writing a number
            terms |= {f"{d[:4]}%{d[4:]}", " ".join(d[i:i + 2] for i in range(0, 8, 2)),
                      "-".join(d[i:i + 2] for i in range(0, 8, 2)), ".".join(d[i:i + 2] for i in range(0, 8, 2))}
    if person.cpr:
        terms.add(f"{person.cpr[:6]}%{person.cpr[6:]}")
    return terms


def _name_patterns(person: Person) -> list[str]:
    """One pattern per word of the name; a record naming the person holds every one of them."""
    return sorted({_skeleton(word) for word in _TOKEN.findall(person.name or "")})


def _narrowing(column: Any, person: Person, postgres: bool) -> Any:
    """The SQL condition a record (or audit detail) naming or reaching the person surely meets."""
    def like(pattern: str) -> Any:
        return column.ilike(pattern, escape=ESC) if postgres else column.like(pattern, escape=ESC)

    clauses = [like(f"%{term}%") for term in sorted(_like_terms(person))]
    names = _name_patterns(person)
    if names:
        clauses.append(and_(*[like(pattern) for pattern in names]))
    return or_(*clauses)


def _escape_like(term: str) -> str:
    # '%' inside a phone term is a deliberate wildcard; escape everything else LIKE treats specially.
    return term.replace("\\", "\\\\").replace("_", "\\_")


@dataclass
class Found:
    """One matching record and which of its fields matched."""

    id: str
    entity: str
    team_id: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    is_person: bool
    matched_fields: list[str]


def find_records(conn: Connection, person: Person) -> list[Found]:
    """Every record (live or tombstone) that is the person or mentions them, in version order."""
    matcher = Matcher(person)
    postgres = conn.dialect.name == "postgresql"
    query = (select(Record.id, Record.entity, Record.team_id, Record.version, Record.deleted, Record.fields)
             .where(_narrowing(Record.fields, person, postgres)).order_by(Record.version))
    out = []
    for rid, entity, team_id, version, deleted, text in conn.execute(query):
        fields = orjson.loads(text)
        is_person = entity in PERSON_ENTITIES and matcher.is_person(fields)
        matched = [name for name in TEXT_FIELDS.get(entity, ())
                   if isinstance(fields.get(name), str) and matcher.mentions(fields[name])]
        if is_person or matched:
            out.append(Found(rid, entity, team_id, int(version), bool(deleted), fields, is_person, matched))
    return out


def find_audit_mentions(conn: Connection, person: Person) -> list[tuple[int, str]]:
    """Audit rows whose detail mentions the person, as (id, detail).

    New rows keep no free text, but rows written before that rule (a review
    comment, a refusal quoting a field, a username typed at login) may.
    """
    matcher = Matcher(person)
    postgres = conn.dialect.name == "postgresql"
    rows = conn.execute(select(AuditEntry.id, AuditEntry.detail).where(_narrowing(AuditEntry.detail, person, postgres))
                        .order_by(AuditEntry.id))
    return [(row_id, detail) for row_id, detail in rows if detail and matcher.mentions(detail)]


def find_users(conn: Connection, person: Person) -> list[dict[str, Any]]:
    """Staff accounts that are the person (by full name, username or email), without password hashes."""
    rows = []
    for user in conn.execute(select(User.id, User.username, User.full_name, User.email, User.role, User.active,
                                    User.created_at)):
        if ((person.name and (fold_name(user.full_name) == fold_name(person.name)
                              or user.username.lower() == person.name.lower()))
                or (person.email and (user.email or "").strip().lower() == person.email)):
            rows.append({"id": user.id, "username": user.username, "full_name": user.full_name,
                         "email": user.email, "role": user.role, "active": bool(user.active),
                         "created_at": iso(user.created_at)})
    return rows


def find_audit(conn: Connection, ids: list[str], user_ids: list[str]) -> list[dict[str, Any]]:
    """Audit entries about the found records and users, and those the users made."""
    if not ids and not user_ids:
        return []
    entries = []
    wanted = ids + user_ids
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        clause: ColumnElement[bool] = AuditEntry.entity_id.in_(chunk)
        mine = [u for u in user_ids if u in chunk]
        if mine:
            clause = or_(clause, AuditEntry.user_id.in_(mine))
        for e in conn.execute(select(AuditEntry).where(clause).order_by(AuditEntry.id)):
            entries.append({"id": e.id, "at": iso(e.at), "user_id": e.user_id, "device_id": e.device_id,
                            "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
                            "team_id": e.team_id, "detail": e.detail})
    unique = {e["id"]: e for e in entries}
    return [unique[k] for k in sorted(unique)]


def export_person(conn: Connection, person: Person) -> dict[str, Any]:
    """Everything stored about the person, as one JSON-ready document."""
    found = find_records(conn, person)
    users = find_users(conn, person)
    records = [{"entity": f.entity, "id": f.id, "team_id": f.team_id, "version": f.version, "deleted": f.deleted,
                "match": "person" if f.is_person else "mention", "matched_fields": f.matched_fields,
                "fields": f.fields} for f in found]
    counts: dict[str, int] = {}
    for f in found:
        counts[f.entity] = counts.get(f.entity, 0) + 1
    return {
        "query": person.describe(),
        "generated_at": iso(utcnow()),
        "counts": dict(sorted(counts.items())),
        "users": users,
        "records": records,
        "audit": find_audit(conn, [f.id for f in found], [u["id"] for u in users]),
    }


def export_audited(conn: Connection, person: Person, actor: str | None) -> dict[str, Any]:
    """:func:`export_person`, audited as ``admin:export_person`` with the record count (never the identifiers).

    The CLI's ``export-person``, ``POST /admin/personal-data/export`` and the console all call this.
    """
    document = export_person(conn, person)
    audit_rows(conn, [audit(actor, "admin:export_person", detail={"records": len(document["records"])})])
    return document
