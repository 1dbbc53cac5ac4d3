"""The company page links CVR, address, phone, e-mail and web site; contacts' phone and e-mail (issue 16, point 7)."""

from __future__ import annotations


def test_company_page_links_open_the_register_map_mail_and_phone(ctx, window, qtbot):
    ops = ctx.ops()
    company = ops.create_company(name="Østergaard Smed ApS", cvr="31000017", address="Østergade 4", postcode="9440",
                                 city="Aabybro", phone="98 23 45 67", email="kontor@smed.dk",
                                 website="www.smed.dk").id
    ops.add_contact(company, name="Søren Ølund", phone="20 30 40 50", email="soren@smed.dk")
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: page.heading.text() == "Østergaard Smed ApS", timeout=5000)
    details = page.details.text()
    assert '<a href="https://datacvr.virk.dk/enhed/virksomhed/31000017">31000017</a>' in details
    assert ('href="https://www.openstreetmap.org/search?query=%C3%98stergade+4%2C+9440+Aabybro%2C+Danmark">'
            'Østergade 4, 9440 Aabybro</a>') in details
    assert '<a href="tel:+4598234567">98 23 45 67</a>' in details
    assert '<a href="mailto:kontor@smed.dk">kontor@smed.dk</a>' in details
    assert '<a href="https://www.smed.dk">www.smed.dk</a>' in details
    assert page.details.openExternalLinks()
    contact = page.person_links["contact"]
    qtbot.waitUntil(lambda: "tel:+4520304050" in contact.text(), timeout=5000)
    assert 'href="mailto:soren@smed.dk"' in contact.text() and contact.openExternalLinks()


def test_text_that_is_no_address_stays_plain(ctx, window, qtbot):
    company = ctx.ops().create_company(name="<b>Fed</b> ApS", notes="ring <i>ikke</i>").id
    window.open_company(company)
    page = window.companies.page
    qtbot.waitUntil(lambda: "Fed" in page.heading.text(), timeout=5000)
    assert "&lt;i&gt;ikke&lt;/i&gt;" in page.details.text() and "href" not in page.details.text()
