"""Report data and PDF rendering (no Qt).

Reports are data first, PDF second: a ``*_data`` function reads the local
database into plain dataclasses, and :func:`render_pdf` lays them out::

    with db.read() as session:
        data = centre_catalogue_data(session, names=known_names)
    render_pdf(data, "katalog.pdf", progress=report, cancel=token)

The UI runs both steps in its background helper (reading on the database
worker), so nothing here touches widgets.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.cancel import CancelToken, Progress
from desktop.reports.briefing import Briefing, briefing_data
from desktop.reports.data import (
    CentreCatalogue,
    CentreEntry,
    CompanyInfo,
    FollowUpList,
    SupervisorReport,
    VisitSummary,
    centre_catalogue_data,
    follow_up_list_data,
    supervisor_report_data,
    visit_summary_data,
)
from desktop.reports.digest import WeeklyDigest, weekly_digest_data

ReportData = VisitSummary | CentreCatalogue | SupervisorReport | FollowUpList | Briefing | WeeklyDigest


def render_pdf(
    data: ReportData,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Render report data to a PDF at ``path`` (see :func:`desktop.reports.pdf.render_pdf`).

    reportlab is imported on the first call, not when the app starts: its
    ~0.2 s would otherwise count against the start-up target.
    """
    from desktop.reports.pdf import render_pdf as render

    return render(data, path, progress, cancel)


__all__ = [
    "Briefing",
    "CentreCatalogue",
    "CentreEntry",
    "CompanyInfo",
    "FollowUpList",
    "SupervisorReport",
    "VisitSummary",
    "WeeklyDigest",
    "briefing_data",
    "centre_catalogue_data",
    "follow_up_list_data",
    "render_pdf",
    "supervisor_report_data",
    "visit_summary_data",
    "weekly_digest_data",
]
