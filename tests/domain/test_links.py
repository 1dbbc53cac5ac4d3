"""The links a company's CVR, address, e-mail, phone and web site open (issue 16, point 7)."""

from __future__ import annotations

from desktop.domain.links import cvr_url, link_html, mail_url, map_url, phone_url, web_url


def test_cvr_links_to_the_public_register_page():
    assert cvr_url("31000017") == "https://datacvr.virk.dk/enhed/virksomhed/31000017"
    assert cvr_url("DK 31 00 00 17") == "https://datacvr.virk.dk/enhed/virksomhed/31000017"
    assert cvr_url("1234") is None
    assert cvr_url("") is None
    assert cvr_url(None) is None


def test_address_is_a_map_search_with_danish_letters_quoted():
    assert map_url("Østergade 4", "9440", "Aabybro") == (
        "https://www.openstreetmap.org/search?query=%C3%98stergade+4%2C+9440+Aabybro%2C+Danmark")
    assert map_url(None, None, "Aars") == "https://www.openstreetmap.org/search?query=Aars%2C+Danmark"
    assert map_url("", "", "") is None


def test_mail_and_phone():
    assert mail_url("hanne@rengoering.dk") == "mailto:hanne@rengoering.dk"
    assert mail_url("  søren@firma.dk ") == "mailto:s%C3%B8ren@firma.dk"
    assert mail_url("not an address") is None
    assert phone_url("98 23 45 67") == "tel:+4598234567"
    assert phone_url("+45 98234567") == "tel:+4598234567"
    assert phone_url("+46 701234567") == "tel:+46701234567"
    assert phone_url("ring efter kl. 9") is None


def test_web_site_gets_a_scheme_and_other_schemes_none():
    assert web_url("www.firma.dk") == "https://www.firma.dk"
    assert web_url("http://firma.dk/om") == "http://firma.dk/om"
    assert web_url("localhost:8080/x.html") == "https://localhost:8080/x.html"
    assert web_url("javascript:alert(1).x") is None
    assert web_url("ingen hjemmeside") is None


def test_link_html_escapes_text_and_url():
    assert link_html("A & B", "https://x.dk/?a=1&b=2") == '<a href="https://x.dk/?a=1&amp;b=2">A &amp; B</a>'
    assert link_html("<b>", None) == "&lt;b&gt;"
