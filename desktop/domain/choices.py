"""Display names of choice values (visit kinds, opening kinds, statuses) in Danish and English.

One table for the screens (desktop.ui.i18n), the PDF reports and the exports
(desktop.domain.formatting), so a "virksomhedspraktik" is called the same
everywhere. Keys are "entity.field"; values map a stored value to
(Danish, English).
"""

from __future__ import annotations

CHOICE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "visit.kind": {
        "first_contact": ("Første kontakt", "First contact"),
        "follow_up": ("Opfølgning", "Follow-up"),
        "centre_visit": ("Centerbesøg", "Centre visit"),
        "phone": ("Telefon", "Phone"),
    },
    "visit.status": {"draft": ("Kladde", "Draft"), "ready": ("Klar til gennemsyn", "Ready for review")},
    "opening.kind": {
        "smaajob": ("Småjob", "Small job"),
        "virksomhedspraktik": ("Virksomhedspraktik", "Internship"),
        "loentilskud": ("Løntilskud", "Wage subsidy"),
        "fleksjob": ("Fleksjob", "Flex job"),
        "igu": ("IGU", "IGU"),
        "ordinary": ("Ordinært job", "Ordinary job"),
        "voksenlaerling": ("Voksenlærling", "Adult apprentice"),
    },
    "opening.status": {
        "open": ("Åben", "Open"),
        "in_dialogue": ("I dialog", "In dialogue"),
        "filled": ("Besat", "Filled"),
        "closed": ("Lukket", "Closed"),
    },
    "follow_up.subject_kind": {
        "company": ("Virksomhed", "Company"),
        "visit": ("Besøg", "Visit"),
        "opening": ("Jobåbning", "Opening"),
    },
    "review.state": {
        "received": ("Modtaget", "Received"),
        "edited": ("Rettet", "Edited"),
        "has_issues": ("Har mangler", "Has issues"),
        "approved": ("Godkendt", "Approved"),
        "rejected": ("Afvist", "Rejected"),
    },
}
