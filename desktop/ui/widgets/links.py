"""Labels whose links open in the browser, mail program or phone (URLs built in desktop.domain.links)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.domain.links import cvr_url, link_html, mail_url, map_url, phone_url, web_url


def link_label(name: str = "") -> QLabel:
    """A word-wrapped rich-text label that opens its links (and can be tabbed to and read by a screen reader)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


def company_link_values(fields: dict[str, Any]) -> dict[str, str]:
    """The company's CVR, address, phone, e-mail and web site as HTML (a link where one can be made)."""
    place = " ".join(filter(None, [fields.get("postcode"), fields.get("city")]))
    address = ", ".join(filter(None, [fields.get("address"), place]))  # "Østergade 4, 9440 Aabybro"
    return {
        "cvr": link_html(fields.get("cvr"), cvr_url(fields.get("cvr"))),
        "address": link_html(address, map_url(fields.get("address"), fields.get("postcode"), fields.get("city"))),
        "phone": link_html(fields.get("phone"), phone_url(fields.get("phone"))),
        "email": link_html(fields.get("email"), mail_url(fields.get("email"))),
        "website": link_html(fields.get("website"), web_url(fields.get("website"))),
    }


def person_links_html(name: str, phone: str | None, email: str | None) -> str:
    """A contact's or mentor's name with the phone and e-mail as ``tel:`` and ``mailto:`` links."""
    parts = [f"<b>{link_html(name, None)}</b>"]
    parts += [link_html(phone, phone_url(phone))] if phone else []
    parts += [link_html(email, mail_url(email))] if email else []
    return " · ".join(parts)
