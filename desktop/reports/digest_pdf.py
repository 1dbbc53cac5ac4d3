"""The weekly digest as PDF: key figures, the charts of the supervisor report, a table per consultant."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop.domain.digest import METRICS, RULES_DA, SHORT_LABELS
from desktop.domain.formatting import dk_date
from desktop.reports.charts import bar_chart
from desktop.reports.digest import WeeklyDigest
from desktop.reports.layout import FRAME_WIDTH, data_table, heading, kpi_row, para, title_block

Checkpoint = Callable[[str], None]
SHORT = SHORT_LABELS
WEEK_CHART = (0, 2, 3)  # visits written, openings created, openings filled
NAME_COLUMN = 3.5 * cm


def digest_story(data: WeeklyDigest, checkpoint: Checkpoint) -> list[Flowable]:
    """One team's last week, as the supervisor reads it on Monday morning."""
    counts = data.counts
    story = title_block("Ugens overblik", f"{data.team_name or 'Alle teams'} · uge {counts.week}",
                        f"{dk_date(counts.start)} – {dk_date(counts.end)} · opgjort mandag {dk_date(counts.as_of)}")
    totals = dict(zip((key for key, _ in METRICS), counts.totals(), strict=True))
    story += [kpi_row([
        (str(totals["visits_written"]), "besøg skrevet"),
        (str(totals["still_waiting"]), "venter på gennemsyn"),
        (f"{totals['openings_created']} / {totals['openings_filled']}", "jobåbninger oprettet / besat"),
        (f"{totals['internships_starting']} / {totals['internships_ending']}", "praktikker starter / slutter"),
    ]), Spacer(1, 3), kpi_row([
        (str(totals["overdue_follow_ups"]), "opfølgninger overskredet"),
        (str(totals["overdue_centres"]), "virksomhedscentre mangler besøg"),
    ]), Spacer(1, 4)]
    checkpoint("Pr. konsulent")
    rows = data.rows
    table_rows: list[list[object]] = [[name, *figures] for name, figures in rows]
    if rows:
        table_rows.append(["I alt", *counts.totals()])
    section: list[Flowable] = [heading("Pr. konsulent")]
    if not rows:
        section.append(para("Intet at melde i ugen.", "empty"))
    else:
        # Fixed figure columns: eight measured ones would push the last past the margin; headers wrap instead.
        figure = (FRAME_WIDTH - NAME_COLUMN) / len(SHORT)
        section.append(data_table(["Konsulent", *SHORT], table_rows, [NAME_COLUMN, *[figure] * len(SHORT)],
                                  right=range(1, len(SHORT) + 1), total_row=True))
        names = [name for name, _ in rows]
        series = [(METRICS[i][1], [figures[i] for _, figures in rows]) for i in WEEK_CHART]
        section += [Spacer(1, 8), bar_chart(names, series, width=FRAME_WIDTH, height=135, value_unit="antal")]
    story.append(KeepTogether(section))
    checkpoint("Besøg pr. uge")
    trend = [(name, c.visits_per_week) for name, c in data.named() if any(c.visits_per_week)]
    chart: list[Flowable] = [heading(f"Besøg pr. uge, de sidste {len(counts.trend_mondays)} uger")]
    if trend:
        weeks = [f"uge {monday.isocalendar()[1]}" for monday in counts.trend_mondays]
        chart.append(bar_chart(weeks, trend, width=FRAME_WIDTH, height=140, value_unit="besøg",
                               stacked=len(trend) > 4))
    else:
        chart.append(para("Ingen besøg i perioden.", "empty"))
    story += [KeepTogether(chart), para("Sådan er der talt: " + RULES_DA, "note")]
    return story
