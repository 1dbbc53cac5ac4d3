"""Lists sort as a Danish dictionary does: Æ, Ø, Å after Z, "Aa" as Å, case ignored (issue 16, point 4).

The expected order below is written out by hand, not computed by the code under test.
"""

from __future__ import annotations

import random
import sqlite3

from desktop.domain.formatting import danish_compare, danish_sort_key
from desktop.exchange import export_companies
from desktop.models.queries import list_companies, list_contacts, list_mentors, list_openings

# By hand, from a Danish dictionary's rules.
DANISH_ORDER = [
    "Abildgaard VVS",
    "Andersen & Søn",
    "anker smed",
    "Bager Bech",
    "bageriet i Brovst",
    "Brovst Begravelse",
    "Brønderslev Bilcenter",
    "Café Æblehaven",
    "Dansk Ølbryggeri",
    "Egholm Gartneri",
    "Fjerritslev Bryghus",
    "Hals Is",
    "Hune Camping",
    "Jammerbugt Kommune",
    "Kås Bageri",
    "Kaas Træ",
    "Løkken Fisk",
    "Lønstrup Keramik",
    "Nibe Tømrer",
    "Pandrup El",
    "Vesthimmerland Vand",
    "Zealand Logistik",
    "Æbelø Frugt",
    "Ærø Rederi",
    "Øster Hurup Fiskeindustri",
    "Østergaard Smed",
    "Åby Maskinfabrik",
    "Aabybro Tømrer",
    "Aalborg Værft",
    "Aars Auto",
]


def shuffled(names):
    out = list(names)
    random.Random(16).shuffle(out)
    assert out != names
    return out


def test_thirty_danish_names_sort_as_a_danish_dictionary_through_the_company_list(db, ops):
    for name in shuffled(DANISH_ORDER):
        ops.create_company(name=name)
    with db.read() as session:
        page = list_companies(session, limit=100)
        backwards = list_companies(session, descending=True, limit=100)
        paged = [row.name for offset in (0, 10, 20) for row in list_companies(session, offset=offset, limit=10).items]
    assert len(DANISH_ORDER) == 30
    assert [row.name for row in page.items] == DANISH_ORDER
    assert [row.name for row in backwards.items] == DANISH_ORDER[::-1]
    assert paged == DANISH_ORDER


def test_mentors_openings_and_contacts_sort_the_same_way(db, ops):
    company = ops.create_company(name="Bageriet").id
    names = ["Åse Holm", "aage Berg", "Ærlig Ib", "Øjvind Lund", "Zenia Kirk", "anna Dahl", "Bo Ørsted"]
    expected = ["anna Dahl", "Bo Ørsted", "Zenia Kirk", "Ærlig Ib", "Øjvind Lund", "aage Berg", "Åse Holm"]
    for name in names:
        ops.add_mentor(company, name=name)
        ops.add_contact(company, name=name)
        ops.create_opening(company, title=name, kind="smaajob")
    with db.read() as session:
        assert [m.name for m in list_mentors(session).items] == expected
        assert [o.title for o in list_openings(session).items] == expected
        assert [c.name for c in list_contacts(session, company)] == expected


def test_the_export_keeps_the_danish_order(db, ops, tmp_path):
    for name in shuffled(DANISH_ORDER):
        ops.create_company(name=name)
    with db.read() as session:
        path = export_companies(session, tmp_path / "virksomheder.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(";")[0] for line in lines] == DANISH_ORDER


def test_the_collation_and_the_catalogue_sort_key_agree():
    assert sorted(shuffled(DANISH_ORDER), key=danish_sort_key) == DANISH_ORDER
    assert danish_compare("Aalborg", "Ålborg") == 0
    assert danish_compare("ÆRØ", "ærø") == 0
    assert danish_compare("Zealand", "Ærø") == -1
    assert danish_compare("Åby", "Zealand") == 1


def test_the_list_pages_are_read_from_the_danish_index(db):
    with db.read() as session:
        conn = session.connection()
        for table, column in (("company", "name"), ("mentor", "name"), ("opening", "title")):
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE deleted = 0 "
                f"ORDER BY {column} COLLATE danish LIMIT 100"))
            assert f"ix_{table}_live_{column}_da" in plan and "TEMP B-TREE" not in plan


def test_a_plain_sqlite_connection_without_the_collation_still_counts_live_rows(db, ops):
    """Backups and salvage count records on a plain read-only connection (desktop.models.backups)."""
    ops.create_company(name="Ærø Rederi")
    db.close()
    conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        for table in ("company", "mentor", "opening"):
            conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()
    finally:
        conn.close()
