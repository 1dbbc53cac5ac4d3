"""SYNC.md §8 tests 4 and 5: two devices editing, deleting and racing each other."""

from __future__ import annotations

import pytest


@pytest.fixture
def pair(make_device):
    a, b = make_device("a"), make_device("b")
    company = a.ops.create_company(name="Aars Maskinfabrik", phone="98 62 00 00", city="Aars").id
    visit = a.ops.create_visit(company, body="Oprindelig tekst.").id
    a.sync()
    b.sync()
    return a, b, company, visit


def conflicts(device):
    from desktop.models.queries import list_conflicts

    with device.db.read() as session:
        return list_conflicts(session, resolved=None)


@pytest.mark.parametrize("first", ["a", "b"])
def test_disjoint_fields_merge_without_conflict(pair, first):
    a, b, company, _ = pair
    a.ops.update_company(company, phone="11 11 11 11")
    b.ops.update_company(company, city="Aalborg")
    order = (a, b) if first == "a" else (b, a)
    for device in order + order:
        device.sync()
    for device in (a, b):
        record = device.records("company")[company]
        assert (record["phone"], record["city"]) == ("11 11 11 11", "Aalborg")
        assert conflicts(device) == []
    assert a.snapshot() == b.snapshot()


@pytest.mark.parametrize("first", ["a", "b"])
def test_same_field_last_arrival_wins_and_loser_is_kept(pair, first):
    a, b, company, _ = pair
    a.ops.update_company(company, phone="11 11 11 11")
    b.ops.update_company(company, phone="22 22 22 22")
    order = (a, b) if first == "a" else (b, a)
    for device in order + order:
        device.sync()
    winner = "22 22 22 22" if first == "a" else "11 11 11 11"
    loser = "11 11 11 11" if first == "a" else "22 22 22 22"
    for device in (a, b):
        assert device.records("company")[company]["phone"] == winner
        found = conflicts(device)
        assert len(found) == 1 and found[0].field == "phone"
        assert loser in (found[0].lost_value or "")
    assert a.snapshot() == b.snapshot()


def test_visit_body_is_never_overwritten_silently(pair):
    a, b, _, visit = pair
    a.ops.save_visit_draft(visit, body="Konsulent A's referat, langt og vigtigt.")
    b.ops.save_visit_draft(visit, body="Konsulent B's referat.")
    a.sync()
    b.sync()
    a.sync()
    bodies = {a.records("visit")[visit]["body"]}
    [copy] = conflicts(a)
    bodies.add(copy.lost_value)
    assert bodies == {"Konsulent A's referat, langt og vigtigt.", "Konsulent B's referat."}


def test_resolving_a_conflict_by_keeping_the_lost_text_syncs(pair):
    a, b, _, visit = pair
    a.ops.save_visit_draft(visit, body="Tekst A")
    b.ops.save_visit_draft(visit, body="Tekst B")
    a.sync()
    b.sync()  # B arrives last and wins; A's text is the conflict copy
    a.sync()
    [conflict] = conflicts(a)
    a.ops.resolve_conflict(conflict.id, keep_lost_value=True)
    a.sync()
    b.sync()
    for device in (a, b):
        assert device.records("visit")[visit]["body"] == "Tekst A"
        assert all(c.resolved for c in conflicts(device))


def test_delete_loses_against_an_edit_the_deleter_had_not_seen(pair):
    a, b, company, _ = pair
    contact = a.ops.add_contact(company, name="Jens Jensen").id
    a.sync()
    b.sync()
    a.ops.update("contact", contact, {"title": "Værkfører"})
    a.sync()
    b.ops.delete("contact", contact)  # b never saw the new title
    result = b.sync()
    assert result.rejected == 1
    for device in (a, b):
        device.sync()
        assert device.records("contact")[contact]["title"] == "Værkfører"
    assert a.snapshot() == b.snapshot()


def test_edit_after_a_seen_delete_keeps_the_text_as_a_conflict(pair):
    a, b, company, _ = pair
    contact = a.ops.add_contact(company, name="Hanne Holm").id
    a.sync()
    b.sync()
    a.ops.delete("contact", contact)
    a.sync()
    b.ops.update("contact", contact, {"title": "Mentor-ansvarlig"})
    refused = b.sync()
    assert refused.rejected == 1 and refused.verified and not refused.full_resync  # the conflict came home at once
    a.sync()
    for device in (a, b):
        assert contact not in device.records("contact")
    assert a.snapshot() == b.snapshot()
    lost = [c.lost_value for c in conflicts(b)]
    assert any("Mentor-ansvarlig" in (v or "") for v in lost)


def test_no_resurrection_after_create_delete_and_a_fresh_install(make_device):
    a = make_device("a")
    company = a.ops.create_company(name="Kortlivet ApS").id
    a.sync()
    a.ops.delete_company(company)
    a.sync()
    fresh = make_device("fresh-install")
    fresh.sync()
    assert company not in fresh.records("company")
    a.sync()
    assert company not in a.records("company")
