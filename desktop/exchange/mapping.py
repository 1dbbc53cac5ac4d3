"""Which column holds which field: suggestions from Danish and English headers.

Headers are compared in a normalised form (lower case, no punctuation or
spaces, æ/ø/å spelled ae/oe/aa), first against known names, then by
similarity, so "CVR-nr.", "Cvr nummer" and "CVR" all mean ``cvr``.
"""

from __future__ import annotations

import difflib
import re

# Pseudo-fields of contact and mentor imports: how to find the company.
COMPANY_CVR = "company_cvr"
COMPANY_NAME = "company_name"
# Pseudo-fields of a company import: the contact person a company sheet names.
CONTACT_NAME = "contact_name"
CONTACT_TITLE = "contact_title"
CONTACT_PHONE = "contact_phone"
CONTACT_EMAIL = "contact_email"
CONTACT_FIELDS = {CONTACT_NAME: "name", CONTACT_TITLE: "title", CONTACT_PHONE: "phone", CONTACT_EMAIL: "email"}

_COMMON = {
    "phone": ("telefon", "tlf", "telefonnummer", "tlfnr", "telefonnr", "mobil", "mobilnummer", "phone",
              "telephone", "phonenumber"),
    "email": ("email", "mail", "emailadresse", "mailadresse", "epost", "emailaddress"),
}
_COMPANY_REF = {
    COMPANY_CVR: ("cvr", "cvrnr", "cvrnummer", "cvrno", "virksomhedenscvr", "vat", "vatnumber"),
    COMPANY_NAME: ("virksomhed", "virksomhedsnavn", "firma", "firmanavn", "arbejdsplads", "company",
                   "companyname", "employer"),
}

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        "name": ("navn", "virksomhedsnavn", "virksomhed", "firmanavn", "firma", "name", "companyname", "company"),
        "cvr": _COMPANY_REF[COMPANY_CVR],
        "address": ("adresse", "vejnavn", "gade", "vejognr", "address", "street", "streetaddress"),
        "postcode": ("postnr", "postnummer", "postkode", "postcode", "zip", "zipcode", "postalcode"),
        "city": ("by", "bynavn", "postdistrikt", "city", "town"),
        "municipality": ("kommune", "municipality"),
        "industry": ("branche", "brancher", "branchebetegnelse", "sektor", "industry", "sector"),
        **_COMMON,
        "website": ("hjemmeside", "website", "web", "www", "url", "homepage"),
        "notes": ("noter", "note", "bemaerkninger", "bemaerkning", "kommentar", "notes", "comments"),
        "is_centre": ("virksomhedscenter", "center", "centre", "companycentre"),
        "centre_work_areas": ("arbejdsomraader", "arbejdsomraade", "workareas"),
        "centre_target_groups": ("maalgrupper", "maalgruppe", "targetgroups"),
        "centre_places": ("pladser", "antalpladser", "places"),
        CONTACT_NAME: ("kontaktperson", "kontakt", "kontaktpersonnavn", "kontaktnavn", "contactperson", "contact",
                       "contactname"),
        CONTACT_TITLE: ("kontaktpersonstilling", "kontaktstilling", "kontaktpersonenstilling", "contacttitle"),
        CONTACT_PHONE: ("kontaktpersontelefon", "kontakttelefon", "kontakttlf", "kontaktpersonmobil",
                        "kontaktpersonenstelefon", "contactphone"),
        CONTACT_EMAIL: ("kontaktpersonemail", "kontaktemail", "kontaktmail", "kontaktpersonmail",
                        "kontaktpersonensemail", "contactemail"),
    },
    "contact": {
        **_COMPANY_REF,
        "name": ("kontaktperson", "kontakt", "fuldenavn", "kontaktpersonnavn", "contact", "contactperson",
                 "fullname"),
        "title": ("stilling", "titel", "jobtitel", "title", "jobtitle", "position"),
        **_COMMON,
    },
    "mentor": {
        **_COMPANY_REF,
        "name": ("mentor", "mentornavn", "virksomhedsmentor", "mentorname"),
        "title": ("stilling", "titel", "jobtitel", "title", "jobtitle", "position"),
        **_COMMON,
        "trained_on": ("uddannet", "mentoruddannet", "uddannelsesdato", "mentoruddannelse", "trainedon",
                       "trained", "trainingdate"),
        "capacity": ("kapacitet", "antalborgere", "capacity"),
        "active": ("aktiv", "active"),
        "notes": ("noter", "note", "bemaerkninger", "kommentar", "notes", "comments"),
    },
}

# A plain "Navn" is the person's name in a list of people, but in the usual company sheet
# (Navn, CVR, ..., Kontaktperson) it is the company's: so for contacts and mentors it
# counts a little less than a header that names the person, and if such a header takes
# the name, "Navn" says which company.
_PLAIN_NAME = ("navn", "name")
_WEIGHTED: dict[str, tuple[tuple[str, tuple[str, ...], float], ...]] = {
    "contact": (("name", _PLAIN_NAME, 0.95), (COMPANY_NAME, _PLAIN_NAME, 0.9)),
    "mentor": (("name", _PLAIN_NAME, 0.95), (COMPANY_NAME, _PLAIN_NAME, 0.9)),
}

IMPORTABLE = tuple(ALIASES)
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_SIMILAR = 0.8  # how alike a header must be to a known name to be suggested


def normalise_header(header: str) -> str:
    """``"CVR-nr."`` -> ``"cvrnr"``, ``"Målgrupper"`` -> ``"maalgrupper"``."""
    text = header.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return _NOT_ALNUM.sub("", text)


def _score(header: str, aliases: tuple[str, ...]) -> float:
    key = normalise_header(header)
    if not key:
        return 0.0
    if key in aliases:
        return 1.0
    return max(difflib.SequenceMatcher(None, key, alias).ratio() for alias in aliases)


def suggest_mapping(headers: list[str], entity: str) -> dict[int, str]:
    """Column index -> field name for the columns we recognise; each field at most once.

    The best-matching column wins a field (an exact name beats a similar one,
    and of equals the leftmost), so "Navn" and "Virksomhedsnavn" both present
    give ``name`` to one of them only. For contacts and mentors a header that
    names the person ("Kontaktperson", "Mentor") beats a plain "Navn", which
    then names the company.
    """
    if entity not in ALIASES:
        raise ValueError(f"{entity} cannot be imported")
    candidates = []
    weighted = [(field, aliases, 1.0) for field, aliases in ALIASES[entity].items()] + list(
        _WEIGHTED.get(entity, ()))
    for col, header in enumerate(headers):
        for field, aliases, weight in weighted:
            score = _score(header, aliases)
            if score >= _SIMILAR:
                candidates.append((-score * weight, col, field))
    mapping: dict[int, str] = {}
    for _, col, field in sorted(candidates):
        if col not in mapping and field not in mapping.values():
            mapping[col] = field
    return dict(sorted(mapping.items()))


def importable_fields(entity: str) -> list[str]:
    """The fields a column can be mapped to for ``entity`` (in form order)."""
    return list(ALIASES[entity])
