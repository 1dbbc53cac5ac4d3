"""The weekly digest for supervisors: the counting rules, shared by the app and the server (pure Python).

The app feeds these rules rows from its local database, the server rows from
its own tables; both then say the same about the same week. The rules (also
printed under the digest):

* the week is an ISO week, Monday to Sunday; the digest is made *as of* the
  Monday after it;
* a visit is *written* in the week of its visit date, for its consultant; it
  is *still waiting* when it is marked ready and its latest review says
  received or edited (the supervisor has not given a verdict since);
* an opening is *created* in the week of its creation, and *filled* in the week
  of its last change while its status is filled; it counts for the
  consultant of the visit it came from, else for whoever registered it;
* an internship (virksomhedspraktik) *starts* in the week of its start date
  and *ends* in the week its start date + duration in weeks falls in, while it
  is filled;
* a follow-up is *overdue* when it is not done and was due before the Monday
  the digest is made on; it counts for its assignee;
* a company centre is *overdue* when its visit interval (21 days unless set)
  has run out before that Monday, counted from its last visit, else the start
  of its agreement, else the day it was registered; it counts for the
  consultant responsible for it.

Timestamps (created, changed) count by their UTC date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

WAITING_STATES = ("received", "edited")
INTERNSHIP_KINDS = ("virksomhedspraktik",)
DEFAULT_CENTRE_INTERVAL = 21
TREND_WEEKS = 8  # the visits chart shows this many weeks up to the digest's week

METRICS: tuple[tuple[str, str], ...] = (
    ("visits_written", "Besøg skrevet"),
    ("still_waiting", "Venter på gennemsyn"),
    ("openings_created", "Jobåbninger oprettet"),
    ("openings_filled", "Jobåbninger besat"),
    ("internships_starting", "Praktikker starter"),
    ("internships_ending", "Praktikker slutter"),
    ("overdue_follow_ups", "Opfølgninger overskredet"),
    ("overdue_centres", "Virksomhedscentre mangler besøg"),
)
# The same, in two short lines each (table headers): every word fits a narrow column, none is split.
SHORT_LABELS = ("Besøg\nskrevet", "Venter", "Jobåbn.\nnye", "Jobåbn.\nbesat", "Praktik\nstart", "Praktik\nslut",
                "Opf.\noverskr.", "Centre\noverskr.")


@dataclass(frozen=True)
class DigestVisit:
    """What the digest needs of a live visit."""

    consultant_id: str | None
    visited_at: date
    status: str | None
    review_state: str | None


@dataclass(frozen=True)
class DigestOpening:
    """What the digest needs of a live opening (``consultant_id`` already resolved by the caller's rule)."""

    consultant_id: str | None
    kind: str
    status: str | None
    created_at: datetime
    updated_at: datetime
    starts_on: date | None
    duration_weeks: int | None


@dataclass(frozen=True)
class DigestFollowUp:
    """What the digest needs of a live follow-up."""

    assignee_id: str | None
    due_on: date
    done: bool


@dataclass(frozen=True)
class DigestCentre:
    """What the digest needs of a live company centre."""

    responsible_id: str | None
    last_visit: date | None
    agreement_start: date | None
    created_at: datetime
    interval_days: int | None


@dataclass(frozen=True)
class ConsultantWeek:
    """One consultant's figures for the week (the fields are the METRICS keys)."""

    consultant_id: str | None
    visits_written: int = 0
    still_waiting: int = 0
    openings_created: int = 0
    openings_filled: int = 0
    internships_starting: int = 0
    internships_ending: int = 0
    overdue_follow_ups: int = 0
    overdue_centres: int = 0
    visits_per_week: tuple[int, ...] = ()  # the trend weeks, oldest first

    def figures(self) -> tuple[int, ...]:
        """The METRICS values in order."""
        return tuple(getattr(self, key) for key, _ in METRICS)


@dataclass(frozen=True)
class DigestCounts:
    """The whole team's week: per consultant, and the trend weeks' Mondays."""

    start: date  # the Monday
    as_of: date  # the Monday after
    consultants: tuple[ConsultantWeek, ...]
    trend_mondays: tuple[date, ...] = field(default=())

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def week(self) -> int:
        return self.start.isocalendar()[1]

    def total(self, key: str) -> int:
        """The team's total of one METRICS key."""
        return sum(getattr(c, key) for c in self.consultants)

    def totals(self) -> tuple[int, ...]:
        """The team's totals in METRICS order."""
        return tuple(self.total(key) for key, _ in METRICS)


def last_week(today: date) -> date:
    """The Monday of the ISO week before ``today``'s (what a digest made today is about)."""
    return today - timedelta(days=today.weekday() + 7)


def week_key(day: date) -> str:
    """``"2026-W48"``: the ISO week of ``day``, as remembered for "offered once a week"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def utc_day(moment: datetime) -> date:
    """The UTC date of a timestamp (a naive one is taken as UTC already)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def centre_due_on(centre: DigestCentre) -> date:
    """The day a company centre is due its next visit."""
    base = centre.last_visit or centre.agreement_start or utc_day(centre.created_at)
    return base + timedelta(days=centre.interval_days or DEFAULT_CENTRE_INTERVAL)


def internship_end(starts_on: date | None, duration_weeks: int | None) -> date | None:
    """Start + duration in weeks (None without both)."""
    return starts_on + timedelta(weeks=duration_weeks) if starts_on and duration_weeks else None


def count_week(
    start: date,
    visits: Iterable[DigestVisit],
    openings: Iterable[DigestOpening],
    follow_ups: Iterable[DigestFollowUp],
    centres: Iterable[DigestCentre],
) -> DigestCounts:
    """Count the week beginning on Monday ``start`` by the rules above."""
    if start.weekday() != 0:
        raise ValueError("a digest week starts on a Monday")
    end, as_of = start + timedelta(days=6), start + timedelta(days=7)
    trend = tuple(start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1))
    tally: dict[str | None, dict[str, int]] = {}
    per_week: dict[str | None, list[int]] = {}

    def add(who: str | None, key: str) -> None:
        tally.setdefault(who, {})
        tally[who][key] = tally[who].get(key, 0) + 1

    def in_week(day: date | None) -> bool:
        return day is not None and start <= day <= end

    for visit in visits:
        if in_week(visit.visited_at):
            add(visit.consultant_id, "visits_written")
            if visit.status == "ready" and visit.review_state in WAITING_STATES:
                add(visit.consultant_id, "still_waiting")
        monday = visit.visited_at - timedelta(days=visit.visited_at.weekday())
        if trend[0] <= monday <= start:
            per_week.setdefault(visit.consultant_id, [0] * TREND_WEEKS)[trend.index(monday)] += 1
            tally.setdefault(visit.consultant_id, {})
    for opening in openings:
        who = opening.consultant_id
        if in_week(utc_day(opening.created_at)):
            add(who, "openings_created")
        if opening.status == "filled" and in_week(utc_day(opening.updated_at)):
            add(who, "openings_filled")
        if opening.kind in INTERNSHIP_KINDS and opening.status == "filled":
            if in_week(opening.starts_on):
                add(who, "internships_starting")
            if in_week(internship_end(opening.starts_on, opening.duration_weeks)):
                add(who, "internships_ending")
    for follow_up in follow_ups:
        if not follow_up.done and follow_up.due_on < as_of:
            add(follow_up.assignee_id, "overdue_follow_ups")
    for centre in centres:
        if centre_due_on(centre) < as_of:
            add(centre.responsible_id, "overdue_centres")
    consultants = tuple(
        ConsultantWeek(who, **counts, visits_per_week=tuple(per_week.get(who, [0] * TREND_WEEKS)))
        for who, counts in tally.items()
    )
    return DigestCounts(start, as_of, consultants, trend)


def consultant_name(names: Mapping[str, str], consultant_id: str | None) -> str:
    """A consultant's name for the digest ("(ingen)" for records without one, a short id if unknown)."""
    if consultant_id is None:
        return "(ingen)"
    return names.get(consultant_id) or consultant_id[:8]


def digest_text(counts: DigestCounts, names: Mapping[str, str], team_name: str) -> str:
    """The digest as plain Danish text (the server's e-mail; the app shows the same figures)."""
    rows = sorted(counts.consultants, key=lambda c: consultant_name(names, c.consultant_id).casefold())
    lines = [
        f"Ugens overblik for {team_name or 'teamet'}",
        f"Uge {counts.week}: {counts.start:%d-%m-%Y} – {counts.end:%d-%m-%Y}",
        "",
        "Hele teamet:",
    ]
    lines += [f"  {label}: {value}" for (_, label), value in zip(METRICS, counts.totals(), strict=True)]
    for consultant in rows:
        lines += ["", f"{consultant_name(names, consultant.consultant_id)}:"]
        lines += [f"  {label}: {value}" for (_, label), value in zip(METRICS, consultant.figures(), strict=True)
                  if value]
        if not any(consultant.figures()):
            lines.append("  Intet i ugen.")
    lines += ["", "Sådan er der talt: " + RULES_DA]
    return "\n".join(lines) + "\n"


RULES_DA = (
    "et besøg tæller i ugen for besøgsdatoen og venter stadig, når det er klar og lederen ikke har svaret. "
    "En jobåbning er oprettet i ugen, den blev registreret, og besat i ugen for sin seneste ændring, mens den "
    "er besat; den tæller for konsulenten på besøget, den kom fra. En praktik starter i ugen for startdatoen og "
    "slutter i ugen for start + varighed. Opfølgninger og virksomhedscentre er overskredet, når de skulle have "
    "været klaret før mandagen efter ugen."
)
