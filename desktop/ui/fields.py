"""Which fields each form and table shows, in one place, so screens never borrow them from each other.

(The company list and the company page used to import these from each other:
the one module cycle in the UI.) Tuples, because every screen shares them.
"""

from __future__ import annotations

COMPANY_FIELDS = ("name", "cvr", "address", "postcode", "city", "municipality", "industry", "phone", "email",
                  "website", "notes", "is_centre", "centre_work_areas", "centre_target_groups", "centre_places",
                  "centre_visit_interval_days", "centre_agreement_start", "centre_agreement_end")
CONTACT_FIELDS = ("name", "title", "phone", "email")
MENTOR_FIELDS = ("name", "title", "phone", "email", "trained_on", "capacity", "active", "notes")
OPENING_FIELDS = ("title", "kind", "job_functions", "hours_per_week", "duration_weeks", "starts_on", "places",
                  "target_group", "accommodations", "status")
FOLLOW_UP_FIELDS = ("due_on", "note", "done")
VISIT_FIELDS = ("visited_at", "kind", "participants", "body", "needs", "next_step", "follow_up_on")

# The columns of the company page's tables (a short view of each record).
COMPANY_PAGE_MENTOR_COLUMNS = ("name", "title", "phone", "trained_on", "active")
COMPANY_PAGE_VISIT_COLUMNS = ("visited_at", "kind", "status")
COMPANY_PAGE_OPENING_COLUMNS = ("title", "kind", "hours_per_week", "duration_weeks", "status")
