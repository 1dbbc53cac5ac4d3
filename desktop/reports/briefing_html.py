"""The briefing before a visit as simple HTML, for reading on screen (the same content as the PDF, no Qt).

Qt's rich-text viewer understands a subset of HTML 4: tables, headings,
``<font color>``; nothing here needs more.
"""

from __future__ import annotations

from html import escape

from desktop.domain.formatting import dk_date, dk_number, interval_label, span_label, week_label
from desktop.reports.briefing import Briefing, BriefingOpening

MUTED = "#616E7C"
WARN = "#B42318"


def _e(value: object) -> str:
    return escape(str(value if value is not None else "")).replace("\n", "<br>")


def _muted(text: object) -> str:
    return f'<span style="color:{MUTED}">{_e(text)}</span>'


def _table(header: list[str], rows: list[list[str]], widths: tuple[int, ...] = ()) -> str:
    """A table with a shaded header; ``widths`` in per cent keep tables under each other aligned."""
    sizes = widths or (0,) * len(header)
    head = "".join(f'<th align="left"{f" width={w}%" if w else ""}>{_e(h)}</th>' for h, w in zip(header, sizes,
                                                                                                   strict=True))
    body = "".join("<tr>" + "".join(f'<td valign="top">{cell}</td>' for cell in row) + "</tr>" for row in rows)
    return (f'<table cellspacing="0" cellpadding="4" width="100%">'
            f'<tr style="background:#E8EEF4">{head}</tr>{body}</table>')


def _facts(pairs: list[tuple[str, object]]) -> str:
    return "<br>".join(f"{_muted(label)} {_e(value)}" for label, value in pairs if value not in (None, ""))


def briefing_html(data: Briefing) -> str:
    """The whole briefing as one HTML document (Danish, as the PDF)."""
    company = data.company
    meta = " · ".join(p for p in (f"CVR {company.cvr}" if company.cvr else "", company.address_line,
                                  company.phone or "", company.email or "") if p)
    parts = [f"<h2>{_e(company.name)}</h2>", f"<p>{_muted(meta)}</p>", "<h3>Virksomheden</h3>",
             "<p>" + _facts([("Branche", data.industry), ("Kommune", data.municipality),
                             ("Ansvarlig", data.responsible), ("Besøg i alt", data.visit_count),
                             ("Note", data.notes)]) + "</p>"]
    if data.centre is not None:
        c = data.centre
        parts += ["<h3>Virksomhedscenteraftale</h3>", "<p>" + _facts([
            ("Periode", span_label(c.start, c.end)), ("Næste besøg senest", dk_date(c.next_visit_due)),
            ("Pladser", c.places),
            ("Besøg", interval_label(c.visit_interval_days)), ("Arbejdsområder", c.work_areas),
            ("Målgrupper", c.target_groups)]) + "</p>"]
    parts.append("<h3>Kontaktpersoner</h3>")
    parts.append("<p>" + ("<br>".join(
        f"<b>{_e(p.name)}</b>{', ' + _e(p.title) if p.title else ''} "
        + _muted(" · ".join(x for x in (p.phone, p.email) if x)) for p in data.contacts)
        or _muted("Ingen kontaktpersoner.")) + "</p>")
    parts.append(f"<h3>Seneste besøg ({len(data.visits)} af {data.visit_count})</h3>")
    if data.visits:
        parts.append(_table(["Besøg", "Behov", "Næste skridt"], [
            [f"<b>{dk_date(v.visited_at)}</b><br>{_muted(v.kind_label)}<br>{_muted(v.consultant)}",
             _e(v.needs) or (_muted("Referat: " + (v.note or "")) if v.note else _muted("–")),
             (_e(v.next_step) or _muted("–"))
             + (f"<br>{_muted('Opfølgning ' + dk_date(v.follow_up_on))}" if v.follow_up_on else "")]
            for v in data.visits]))
    else:
        parts.append(f"<p>{_muted('Virksomheden er ikke besøgt endnu.')}</p>")
    for title, openings, empty in (("Igangværende praktikker", data.internships, "Ingen igangværende praktikker."),
                                   ("Åbne jobåbninger", data.openings, "Ingen åbne jobåbninger.")):
        parts.append(f"<h3>{title}</h3>")
        rows = [_opening_row(o, data) for o in openings]
        parts.append(_table(["Jobåbning", "Periode", "Timer", "Næste opfølgning"], rows, (38, 24, 12, 26))
                     if openings else f"<p>{_muted(empty)}</p>")
    parts.append("<h3>Mentorer</h3>")
    parts.append("<p>" + ("<br>".join(
        f"<b>{_e(m.name)}</b>{', ' + _e(m.title) if m.title else ''} "
        + _muted(f"{m.in_use} af {m.capacity} pladser i brug" if m.active and m.capacity
                 else (f"{m.in_use} i brug" if m.active else "ikke aktiv")) for m in data.mentors)
        or _muted("Ingen mentorer registreret.")) + "</p>")
    parts.append("<h3>Lederens seneste kommentarer</h3>")
    parts.append("".join(
        f"<p>{_muted(f'Besøget {dk_date(c.visited_at)} · {c.state_label} · {c.reviewer}')}<br>{_e(c.comment)}</p>"
        for c in data.comments) or f"<p>{_muted('Ingen kommentarer fra lederen.')}</p>")
    return "".join(parts)


def _opening_row(o: BriefingOpening, data: Briefing) -> list[str]:
    what = f"<b>{_e(o.title)}</b><br>{_muted(o.kind_label + ' · ' + o.status_label)}"
    if o.mentor:
        what += f"<br>{_muted('Mentor: ' + o.mentor)}"
    if o.next_follow_up is None:
        follow = _muted("ingen planlagt")
    else:
        when = f"<b>{dk_date(o.next_follow_up)}</b> ({week_label(o.next_follow_up)})"
        if o.next_follow_up < data.generated_on:
            when = f'<span style="color:{WARN}">{when}</span>'
        follow = when + (f"<br>{_muted(o.next_follow_up_note)}" if o.next_follow_up_note else "")
    hours = f"{dk_number(o.hours_per_week)} t/uge" if o.hours_per_week else "–"
    return [what, _e(span_label(o.starts_on, o.ends_on) or "–"), hours, follow]
