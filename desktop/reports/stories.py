"""What each report says, as a list of Platypus flowables (the story) built from report data.

``checkpoint(message)`` is called between sections: it raises
:class:`desktop.errors.Cancelled` when the user cancelled and reports progress.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from desktop.domain.formatting import (
    choice_da,
    dk_date,
    dk_number,
    iso_week,
    period_label,
    week_label,
)
from desktop.reports.charts import bar_chart
from desktop.reports.data import FollowUpList, SupervisorReport, VisitSummary
from desktop.reports.layout import (
    FIT,
    FLEX,
    FRAME_WIDTH,
    MUTED,
    data_table,
    esc,
    heading,
    kpi_row,
    kv_table,
    para,
    paragraphs,
    rule,
    styles,
    title_block,
)

Checkpoint = Callable[[str], None]
_MUTED = MUTED.hexval().replace("0x", "#")


# -- Besøgsreferat -------------------------------------------------------------------------


def visit_summary(data: VisitSummary, checkpoint: Checkpoint) -> list[Flowable]:
    """A one-visit summary fit to send to the company."""
    company = data.company
    story = title_block("Besøgsreferat", company.name or "(ukendt virksomhed)",
                        f"Besøg den {dk_date(data.visited_at)} · uge {data.week}")
    story.append(kv_table([
        ("Virksomhed", company.name),
        ("CVR-nr.", company.cvr),
        ("Adresse", company.address_line),
        ("Telefon", company.phone),
        ("E-mail", company.email),
        ("Dato", f"{dk_date(data.visited_at)} (uge {data.week})"),
        ("Besøgstype", data.kind_label),
        ("Konsulent", data.consultant),
        ("Deltagere", data.participants),
    ]))
    checkpoint("Referat")
    story += [heading("Referat"), *paragraphs(data.body, empty="Der er ikke skrevet et referat.")]
    if data.needs:
        story += [heading("Behov hos virksomheden"), *paragraphs(data.needs)]
    if data.next_step:
        story += [heading("Næste skridt"), *paragraphs(data.next_step)]
    if data.follow_up_on:
        story += [heading("Opfølgning"),
                  para(f"Vi følger op den {dk_date(data.follow_up_on)} ({week_label(data.follow_up_on)}).")]
    if data.openings:
        checkpoint("Jobåbninger")
        rows = [
            [o.title, o.kind_label, dk_number(o.hours_per_week),
             f"{o.duration_weeks} uger" if o.duration_weeks else "", dk_date(o.starts_on),
             dk_number(o.places), o.status_label]
            for o in data.openings
        ]
        story += [heading("Jobåbninger fra besøget"),
                  data_table(["Titel", "Type", "Timer/uge", "Varighed", "Start", "Pladser", "Status"], rows,
                             [FLEX, *[FIT] * 6], right=(2, 5))]
    if data.signature:  # no made-up sender: the consultant's name and/or the jobcentre, or nothing
        lines = "<br/>".join(esc(line) for line in data.signature)
        story += [Spacer(1, 18), KeepTogether([rule(), para(f"Med venlig hilsen<br/>{lines}", "body", markup=True)])]
    return story


# -- Rapport til leder -----------------------------------------------------------------------


def supervisor_report(data: SupervisorReport, checkpoint: Checkpoint) -> list[Flowable]:
    """Figures, charts and tables for one team and period."""
    team = data.team_name or "Alle teams"
    story = title_block("Rapport til leder", f"{team} · {period_label(data.start, data.end)}")
    story += [kpi_row([
        (str(data.total_visits), "besøg"),
        (str(data.total_openings), "jobåbninger"),
        (dk_number(data.total_hours_placed), "timer pr. uge besat"),
        (f"{data.overdue_centres} af {len(data.centres)}", "virksomhedscentre mangler besøg"),
    ]), Spacer(1, 4)]
    # Each section is kept on one page when it fits, so a chart never loses its table or heading.
    for message, section in (("Besøg", _visits_section), ("Jobåbninger", _openings_section),
                             ("Besatte timer", _placed_section), ("Virksomhedscentre", _centres_section)):
        checkpoint(message)
        story.append(KeepTogether(section(data)))
    story.append(para(
        "Sådan er der talt: et besøg tæller i ugen for besøgsdatoen. En jobåbning hører til perioden efter "
        "startdato, eller registreringsdato når den ikke har en startdato, og tæller for konsulenten på det "
        "besøg, den kom fra. Besatte timer er timer pr. uge gange pladser for besatte jobåbninger i ugen, "
        "de starter. Et virksomhedscenter mangler besøg, når besøgsintervallet er overskredet siden sidste "
        "besøg.", "note"))
    return story


def _week_names(data: SupervisorReport) -> list[str]:
    # "uge 45" while there is room under each bar group, the bare number for longer periods.
    return [w.label if len(data.weeks) <= 9 else str(w.week) for w in data.weeks]


def _week_note(data: SupervisorReport, text: str) -> list[Flowable]:
    return [para(text, "note")] if len(data.weeks) > 9 else []


def _visits_section(data: SupervisorReport) -> list[Flowable]:
    out: list[Flowable] = [heading("Besøg pr. uge og konsulent")]
    if not data.total_visits:
        out.append(para("Ingen besøg i perioden.", "empty"))
    else:
        series = [(c.name, c.visits_per_week) for c in data.consultants if c.visits]
        # Side-by-side bars read best for a few consultants; a bigger team gets one stack per week.
        stacked = len(series) > 4
        out += [bar_chart(_week_names(data), series, width=FRAME_WIDTH, value_unit="besøg", stacked=stacked),
                *_week_note(data, "Ugenummer (ISO-uge) for besøgsdatoen.")]
    header = ["Konsulent", "Besøg", "Kladder", "Godkendt", "Har mangler", "Jobåbn.", "Opf. udført", "Opf. åbne"]
    keys = ("visits", "drafts", "approved", "has_issues", "openings", "follow_ups_done", "follow_ups_open")
    rows = [[c.name, *(getattr(c, k) for k in keys)] for c in data.consultants]
    if rows:
        rows.append(["I alt", *(sum(getattr(c, k) for c in data.consultants) for k in keys)])
        out += [Spacer(1, 6), data_table(header, rows, [FLEX, *[FIT] * 7], right=range(1, 8), total_row=True)]
    if data.visits_by_kind:
        kinds = " · ".join(f"{choice_da('visit.kind', k) or 'Uden type'}: {n}" for k, n in data.visits_by_kind)
        out.append(para(f"Besøg efter type: {kinds}", "note"))
    return out


def _openings_section(data: SupervisorReport) -> list[Flowable]:
    out: list[Flowable] = [heading("Jobåbninger efter type og status")]
    if not data.openings_by_kind:
        return [*out, para("Ingen jobåbninger i perioden.", "empty")]
    statuses = [choice_da("opening.status", s) for s in data.statuses]
    series = [(name, [row.counts[i] for row in data.openings_by_kind]) for i, name in enumerate(statuses)]
    out.append(bar_chart([r.label for r in data.openings_by_kind], series, width=FRAME_WIDTH, height=170,
                         stacked=True, value_unit="jobåbninger"))
    rows = [[r.label, *r.counts, r.total] for r in data.openings_by_kind]
    columns = list(zip(*(r.counts for r in data.openings_by_kind), strict=True))
    rows.append(["I alt", *(sum(col) for col in columns), data.total_openings])
    out += [Spacer(1, 6),
            data_table(["Type", *statuses, "I alt"], rows, [FLEX, *[FIT] * (len(statuses) + 1)],
                       right=range(1, len(statuses) + 2), total_row=True)]
    return out


def _placed_section(data: SupervisorReport) -> list[Flowable]:
    out: list[Flowable] = [heading("Besatte timer pr. uge")]
    if not data.placed:
        return [*out, para("Ingen besatte jobåbninger i perioden.", "empty")]
    out += [bar_chart(_week_names(data), [("Timer pr. uge", data.hours_placed_per_week)], width=FRAME_WIDTH,
                      height=150, value_unit="timer"),
            *_week_note(data, "Ugenummer (ISO-uge) for start."), Spacer(1, 6)]
    cell = styles()["cell"]
    rows: list[list[object]] = [
        [dk_date(p.starts_on), str(iso_week(p.starts_on)),
         Paragraph(f'{esc(p.company_name)}<br/><font color="{_MUTED}">{esc(p.title)}</font>', cell),
         p.kind_label, dk_number(p.hours_per_week), str(p.places), dk_number(p.hours_placed)]
        for p in data.placed
    ]
    rows.append(["I alt", "", "", "", "", str(sum(p.places for p in data.placed)), dk_number(data.total_hours_placed)])
    out.append(data_table(["Start", "Uge", "Virksomhed og jobåbning", "Type", "Timer/uge", "Pladser", "Timer i alt"],
                          rows, [FIT, FIT, FLEX, FIT, FIT, FIT, FIT], right=(1, 4, 5, 6), total_row=True))
    return out


def _centres_section(data: SupervisorReport) -> list[Flowable]:
    out: list[Flowable] = [heading("Virksomhedscentre")]
    if not data.centres:
        return [*out, para("Teamet har ingen virksomhedscentre.", "empty")]
    rows = [[c.name, c.responsible, str(c.visits_in_period), dk_date(c.last_visit) or "aldrig",
             dk_date(c.next_due) + (" (overskredet)" if c.overdue else "")] for c in data.centres]
    overdue = [i for i, c in enumerate(data.centres) if c.overdue]
    out.append(data_table(["Virksomhedscenter", "Ansvarlig", "Besøg i perioden", "Sidste besøg",
                           "Næste besøg senest"], rows, [FLEX, FIT, FIT, FIT, FIT],
                          right=(2,), highlight=overdue))
    return out


# -- Opfølgninger ------------------------------------------------------------------------------


def follow_up_list(data: FollowUpList, checkpoint: Checkpoint) -> list[Flowable]:
    """A consultant's follow-ups in a period, overdue ones in red."""
    n = len(data.items)
    summary = f"{n} opfølgning{'er' if n != 1 else ''}: {data.done_count} udført, {data.open_count} åbne"
    if data.overdue_count:
        summary += f" ({data.overdue_count} overskredet)"
    story = title_block("Opfølgninger", f"{data.assignee} · {period_label(data.start, data.end)}", summary)
    checkpoint("Opfølgninger")
    if not data.items:
        return [*story, para("Ingen opfølgninger i perioden.", "empty")]
    cell = styles()["cell"]
    rows = []
    for item in data.items:
        subject = esc(item.subject_title or "(slettet)")
        subject += f'<br/><font color="{_MUTED}" size="7.5">{esc(item.subject_kind_label)}</font>'
        rows.append([dk_date(item.due_on), str(item.week), Paragraph(subject, cell), item.note or "",
                     "Ja" if item.done else "Nej"])
    overdue = [i for i, item in enumerate(data.items) if item.overdue]
    story.append(data_table(["Dato", "Uge", "Vedrører", "Note", "Udført"], rows,
                            [FIT, FIT, 5.2 * cm, FLEX, FIT],
                            right=(1,), highlight=overdue))
    if overdue:
        story.append(para("Rød: datoen er overskredet, og opfølgningen er ikke udført.", "note"))
    return story
