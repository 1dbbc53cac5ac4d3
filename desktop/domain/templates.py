"""The structure a visit note starts from, per visit kind.

Consultants write the same headings visit after visit (the labour-market
agency's 2024 analysis of jobcentre staff's registration burden names free-text
re-typing first). A template gives the note its structure; the consultant
writes under the headings. Needs and next step have fields of their own, so
the templates leave them out.
"""

from __future__ import annotations

_TEMPLATES: dict[str, tuple[str, str]] = {
    "first_contact": (
        "Virksomheden i dag:\n\n"
        "Rekrutteringsbehov og kommende opgaver:\n\n"
        "Erfaring med småjob, praktik og løntilskud:\n\n"
        "Mulige mentorer og rummelighed:\n\n"
        "Aftalt med virksomheden:\n",
        "The company today:\n\n"
        "Recruitment needs and coming tasks:\n\n"
        "Experience with small jobs, internships and wage subsidy:\n\n"
        "Possible mentors and inclusiveness:\n\n"
        "Agreed with the company:\n",
    ),
    "follow_up": (
        "Siden sidst:\n\n"
        "Borgere i forløb (uden CPR-numre):\n\n"
        "Nye behov:\n\n"
        "Aftalt med virksomheden:\n",
        "Since last time:\n\n"
        "Citizens in progress (no CPR numbers):\n\n"
        "New needs:\n\n"
        "Agreed with the company:\n",
    ),
    "centre_visit": (
        "Centeraftalen (arbejdsområder og pladser):\n\n"
        "Pladser i brug og ledige:\n\n"
        "Samarbejdet med mentorerne:\n\n"
        "Næste centerbesøg og aftaler:\n",
        "The centre agreement (work areas and places):\n\n"
        "Places in use and free:\n\n"
        "Working with the mentors:\n\n"
        "Next centre visit and agreements:\n",
    ),
    "phone": (
        "Talt med:\n\n"
        "Emne:\n\n"
        "Aftalt:\n",
        "Spoke with:\n\n"
        "Subject:\n\n"
        "Agreed:\n",
    ),
}


def visit_template(kind: str | None, language: str = "da") -> str:
    """The note structure for a visit of ``kind`` ("" for a kind without one)."""
    texts = _TEMPLATES.get(kind or "")
    if texts is None:
        return ""
    return texts[1] if language == "en" else texts[0]


def is_template(text: str) -> bool:
    """True when ``text`` is empty or one of the templates untouched (it may be swapped for another kind's)."""
    stripped = text.strip()
    return not stripped or any(stripped in (da.strip(), en.strip()) for da, en in _TEMPLATES.values())
