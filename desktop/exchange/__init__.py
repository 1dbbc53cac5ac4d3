"""Import from and export to CSV and Excel (no Qt).

Import is preview -> plan -> run::

    shown = preview("virksomheder.csv", "company")          # headers, first rows, suggested mapping
    plan = plan_import(shown.path, "company", shown.mapping, ops)   # checks every row, writes nothing
    result = run_import(plan, ops)                          # one transaction, through Operations

Export writes any list of dataclasses to .csv or .xlsx (by the suffix).
"""

from desktop.exchange.exporting import (
    export_companies,
    export_follow_ups,
    export_mentors,
    export_openings,
    export_rows,
    export_visits,
)
from desktop.exchange.importing import (
    ImportPlan,
    ImportPreview,
    ImportResult,
    PlannedRow,
    plan_import,
    preview,
    run_import,
)
from desktop.exchange.mapping import COMPANY_CVR, COMPANY_NAME, IMPORTABLE, importable_fields, suggest_mapping
from desktop.exchange.reading import Table, read_table

__all__ = [
    "COMPANY_CVR",
    "COMPANY_NAME",
    "IMPORTABLE",
    "ImportPlan",
    "ImportPreview",
    "ImportResult",
    "PlannedRow",
    "Table",
    "export_companies",
    "export_follow_ups",
    "export_mentors",
    "export_openings",
    "export_rows",
    "export_visits",
    "importable_fields",
    "plan_import",
    "preview",
    "read_table",
    "run_import",
    "suggest_mapping",
]
