"""The briefing before a visit as one A4 page (Platypus story from :class:`Briefing`).

Long free text is cut to a few lines (with "…") so the page stays one page
however much was written; the full notes are in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from desktop.domain.formatting import dk_date, dk_number, interval_label, span_label, week_label
from desktop.reports.briefing import Briefing, BriefingOpening
from desktop.reports.layout import FLEX, FRAME_WIDTH, MUTED, WARN_HEX, data_table, esc, para, styles, title_block

Checkpoint = Callable[[str], None]
_MUTED = MUTED.hexval().replace("0x", "#")
GAP = 0.6 * cm
MAX_CONTACTS = 4
MAX_ROWS = 3  # openings and mentors listed; the rest are counted
TEXT = 140  # characters of a visit's needs or next step


def clip(text: str | None, limit: int) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters (with "…")."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    return flat[: flat.rfind(" ", 0, limit - 1) if " " in flat[:limit] else limit - 1].rstrip(" ,.;:") + "…"


def _section(text: str) -> Paragraph:
    return para(text, "h3")


def _cell(markup: str) -> Paragraph:
    return Paragraph(markup, styles()["cell"])


def _muted(text: str) -> str:
    return f'<font color="{_MUTED}">{esc(text)}</font>'


def briefing_story(data: Briefing, checkpoint: Checkpoint) -> list[Flowable]:
    """One page: the company and its people, recent visits, openings, mentors and the supervisor's comments."""
    company = data.company
    meta = " · ".join(p for p in (f"CVR {company.cvr}" if company.cvr else "", company.address_line,
                                  company.phone or "", company.email or "") if p)
    story = title_block("Forberedelse til besøg", company.name or "(ukendt virksomhed)", meta)
    checkpoint("Virksomheden")
    story += [_two_columns(_about(data), _contacts(data) + _mentors(data)), Spacer(1, 4)]
    checkpoint("Besøg")
    story += _visits(data)
    checkpoint("Jobåbninger")
    today = data.generated_on
    story += _openings("Igangværende praktikker", data.internships, "Ingen igangværende praktikker.", today)
    story += _openings("Åbne jobåbninger", data.openings, "Ingen åbne jobåbninger.", today)
    story += _comments(data)
    story.append(para(
        "En praktik er igangværende, når den er besat, og dagen ligger i perioden (start + varighed). Næste "
        "opfølgning er den tidligste, der ikke er udført; rød er overskredet. Pladser i brug er igangværende "
        "praktikker med mentoren.", "note"))
    return story


def _two_columns(left: list[Flowable], right: list[Flowable]) -> Table:
    half = (FRAME_WIDTH - GAP) / 2
    table = Table([[left, right]], colWidths=[half + GAP, half], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, 0), GAP),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _lines(pairs: list[tuple[str, object]]) -> list[Flowable]:
    return [_cell(f"{_muted(label)}  {esc(value)}") for label, value in pairs if value not in (None, "")]


def _about(data: Briefing) -> list[Flowable]:
    """Left column: the company's facts, then the centre agreement when it is a centre."""
    out: list[Flowable] = [_section("Virksomheden")]
    out += _lines([("Branche", data.industry), ("Kommune", data.municipality),
                   ("Ansvarlig", data.responsible), ("Besøg i alt", data.visit_count),
                   ("Note", clip(data.notes, 140))])
    centre = data.centre
    if centre is not None:
        out += [Spacer(1, 4), _section("Virksomhedscenteraftale")]
        out += _lines([("Periode", span_label(centre.start, centre.end)),
                       ("Næste besøg senest", dk_date(centre.next_visit_due)),
                       ("Pladser", centre.places), ("Besøg", interval_label(centre.visit_interval_days)),
                       ("Arbejdsområder", clip(centre.work_areas, 110)),
                       ("Målgrupper", clip(centre.target_groups, 90))])
    return out


def _contacts(data: Briefing) -> list[Flowable]:
    """Right column: the contact persons, one line each with how to reach them."""
    out: list[Flowable] = [_section("Kontaktpersoner")]
    if not data.contacts:
        out.append(para("Ingen kontaktpersoner.", "meta"))
    for contact in data.contacts[:MAX_CONTACTS]:
        text = f"<b>{esc(contact.name)}</b>" + (f", {esc(contact.title)}" if contact.title else "")
        reach = " · ".join(p for p in (contact.phone, contact.email) if p)
        out.append(_cell(text + (f" {_muted(reach)}" if reach else "")))
    if len(data.contacts) > MAX_CONTACTS:
        out.append(para(f"… og {len(data.contacts) - MAX_CONTACTS} flere i appen.", "meta"))
    return out


def _visits(data: Briefing) -> list[Flowable]:
    out: list[Flowable] = [_section(f"Seneste besøg ({len(data.visits)} af {data.visit_count})")]
    if not data.visits:
        return [*out, para("Virksomheden er ikke besøgt endnu.", "meta")]
    rows: list[list[object]] = []
    for visit in data.visits:
        when = f"<b>{dk_date(visit.visited_at)}</b><br/>{_muted(visit.kind_label)}"
        if visit.consultant:
            when += f"<br/>{_muted(visit.consultant)}"
        step = esc(clip(visit.next_step, TEXT)) or _muted("–")
        if visit.follow_up_on:
            step += f"<br/>{_muted('Opfølgning ' + dk_date(visit.follow_up_on))}"
        needs = esc(clip(visit.needs, TEXT)) or (_muted("Referat: " + clip(visit.note, TEXT)) if visit.note else
                                                 _muted("–"))
        rows.append([_cell(when), _cell(needs), _cell(step)])
    return [*out, data_table(["Besøg", "Behov", "Næste skridt"], rows, [2.7 * cm, FLEX, 6.4 * cm])]


def _follow_up_cell(opening: BriefingOpening, today_overdue: bool) -> Paragraph:
    if opening.next_follow_up is None:
        return _cell(_muted("ingen planlagt"))
    date_text = f"<b>{dk_date(opening.next_follow_up)}</b> ({week_label(opening.next_follow_up)})"
    if today_overdue:
        date_text = f'<font color="{WARN_HEX}">{date_text}</font>'
    note = clip(opening.next_follow_up_note, 60)
    return _cell(date_text + (f"<br/>{_muted(note)}" if note else ""))


def _openings(title: str, openings: tuple[BriefingOpening, ...], empty: str, today: date) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 2), _section(title)]
    if not openings:
        return [*out, para(empty, "meta")]
    rows: list[list[object]] = []
    for o in openings[:MAX_ROWS]:
        what = f"<b>{esc(clip(o.title, 50))}</b><br/>{_muted(o.kind_label + ' · ' + o.status_label)}"
        if o.mentor:
            what += f"<br/>{_muted('Mentor: ' + o.mentor)}"
        period = span_label(o.starts_on, o.ends_on) or "–"
        hours = f"{dk_number(o.hours_per_week)} t/uge" if o.hours_per_week else "–"
        overdue = o.next_follow_up is not None and o.next_follow_up < today
        rows.append([_cell(what), period, hours, _follow_up_cell(o, overdue)])
    out.append(data_table(["Jobåbning", "Periode", "Timer", "Næste opfølgning"], rows,
                          [FLEX, 4.3 * cm, 1.7 * cm, 5.4 * cm]))
    if len(openings) > MAX_ROWS:
        out.append(para(f"… og {len(openings) - MAX_ROWS} flere i appen.", "meta"))
    return out


def _mentors(data: Briefing) -> list[Flowable]:
    """Right column, under the contacts: the mentors, one line each with their places in use."""
    out: list[Flowable] = [Spacer(1, 4), _section("Mentorer")]
    if not data.mentors:
        return [*out, para("Ingen mentorer registreret.", "meta")]
    for m in data.mentors[:MAX_ROWS]:
        text = f"<b>{esc(m.name)}</b>" + (f", {esc(m.title)}" if m.title else "")
        places = f"{m.in_use} af {m.capacity} pladser i brug" if m.capacity else f"{m.in_use} i brug"
        out.append(_cell(f"{text} {_muted(places if m.active else 'ikke aktiv')}"))
    if len(data.mentors) > MAX_ROWS:
        out.append(para(f"… og {len(data.mentors) - MAX_ROWS} flere i appen.", "meta"))
    return out


def _comments(data: Briefing) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 2), _section("Lederens seneste kommentarer")]
    if not data.comments:
        return [*out, para("Ingen kommentarer fra lederen.", "meta")]
    for c in data.comments:
        head = f"Besøget {dk_date(c.visited_at)} · {c.state_label} · {c.reviewer}"
        if c.reviewed_on:
            head += f", {dk_date(c.reviewed_on)}"
        out.append(_cell(f"{_muted(head)}<br/>{esc(clip(c.comment, 200))}"))
    return out
