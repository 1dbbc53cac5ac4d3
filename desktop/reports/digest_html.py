"""The weekly digest as simple HTML for the screen (the same figures as the PDF and the e-mail, no Qt)."""

from __future__ import annotations

from html import escape

from desktop.domain.digest import METRICS, RULES_DA, SHORT_LABELS
from desktop.domain.formatting import dk_date
from desktop.reports.digest import WeeklyDigest

MUTED = "#616E7C"


def digest_html(data: WeeklyDigest) -> str:
    """Title, the team's totals and one row per consultant, in Danish."""
    counts = data.counts
    head = "".join(f'<th align="right">{escape(label).replace(chr(10), "<br>")}</th>' for label in SHORT_LABELS)
    rows = "".join(
        f"<tr><td>{escape(name)}</td>" + "".join(f'<td align="right">{value}</td>' for value in figures) + "</tr>"
        for name, figures in data.rows
    )
    totals = "".join(f'<td align="right"><b>{value}</b></td>' for value in counts.totals())
    body = (rows + f"<tr><td><b>I alt</b></td>{totals}</tr>") if data.rows else (
        f'<tr><td colspan="{len(METRICS) + 1}">Intet at melde i ugen.</td></tr>')
    return (
        f"<h2>Ugens overblik · uge {counts.week}</h2>"
        f'<p style="color:{MUTED}">{escape(data.team_name or "Alle teams")} · {dk_date(counts.start)} – '
        f"{dk_date(counts.end)} · opgjort mandag {dk_date(counts.as_of)}</p>"
        f'<table cellspacing="0" cellpadding="4" width="100%"><tr style="background:#E8EEF4">'
        f'<th align="left">Konsulent</th>{head}</tr>{body}</table>'
        f'<p style="color:{MUTED}">Sådan er der talt: {escape(RULES_DA)}</p>'
    )
