"""Links for what a record holds: the CVR register's public page, a map, ``mailto:``, ``tel:`` and web sites.

Qt-free, so the URLs are tested on their own; the screens put them in rich-text
labels (``link_html``) that open them in the browser, mail program or phone.
A value that cannot make a sensible link (a CVR that is not 8 digits, text
that is not an e-mail address) gets none: it is shown as plain text.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, quote_plus

from desktop.domain.rules import email_is_valid, normalise_cvr, normalise_phone

CVR_PAGE = "https://datacvr.virk.dk/enhed/virksomhed/"
MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def cvr_url(cvr: str | None) -> str | None:
    """The CVR register's public page of the company (``https://datacvr.virk.dk/enhed/virksomhed/31000017``)."""
    compact = normalise_cvr(cvr or "")
    if len(compact) != 8 or not (compact.isascii() and compact.isdigit()):
        return None
    return CVR_PAGE + compact


def map_url(address: str | None, postcode: str | None = None, city: str | None = None) -> str | None:
    """A map search for the address ("Algade 1, 9000 Aalborg, Danmark"); None when nothing is known."""
    place = " ".join(filter(None, [(postcode or "").strip(), (city or "").strip()]))
    parts = [p for p in ((address or "").strip(), place) if p]
    if not parts:
        return None
    return MAP_SEARCH + quote_plus(", ".join([*parts, "Danmark"]))


def mail_url(email: str | None) -> str | None:
    """``mailto:`` for a valid e-mail address (the address percent-quoted except ``@``)."""
    value = (email or "").strip()
    if not value or not email_is_valid(value):
        return None
    return "mailto:" + quote(value, safe="@")


def phone_url(phone: str | None) -> str | None:
    """``tel:`` with the number in international form (``tel:+4598234567``); None when it is not a number."""
    canonical = normalise_phone(phone or "")
    if canonical is None:
        return None
    digits = canonical.replace(" ", "")
    return "tel:" + (digits if digits.startswith("+") else "+45" + digits)


def web_url(website: str | None) -> str | None:
    """A web site as a link: ``www.firma.dk`` becomes ``https://www.firma.dk``; None for text with spaces."""
    value = (website or "").strip()
    if not value or any(c.isspace() for c in value) or "." not in value:
        return None
    lowered = value.casefold()
    if lowered.startswith(("http://", "https://")):
        return value
    if ":" in value.split("/")[0] and not value.split("/")[0].rsplit(":", 1)[1].isdigit():
        return None  # another scheme (javascript:, file:): never made a link
    return "https://" + value


def link_html(text: str | None, url: str | None) -> str:
    """``text`` as an HTML link to ``url`` (both escaped), or the escaped text alone without a URL."""
    shown = escape(str(text or "")).replace("\n", "<br>")
    if not url:
        return shown
    return f'<a href="{escape(url, quote=True)}">{shown}</a>'
