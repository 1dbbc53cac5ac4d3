"""Every table model passes Qt's model tester, and pages load lazily."""

from __future__ import annotations


def test_every_list_model_passes_qtmodeltester(window, seeded, qtbot, qtmodeltester):
    for screen in (window.companies.list, window.visits.list, window.openings, window.mentors, window.follow_ups):
        with qtbot.waitSignal(screen.model.loaded, timeout=5000):
            screen.model.refresh()
        assert screen.model.rowCount() > 0, type(screen).__name__
        qtmodeltester.check(screen.model)


def test_pages_are_fetched_on_demand(ctx, qtbot, qtmodeltester):
    from desktop.models.queries import list_companies
    from desktop.ui.table_models.paged import Column, PagedTableModel

    ops = ctx.ops()
    for i in range(45):
        ops.create_company(name=f"Firma {i:02d}")
    model = PagedTableModel(ctx, lambda s, _filters, page: list_companies(
        s, offset=page.offset, limit=page.limit, sort=page.sort, descending=page.descending),
        [Column("Navn", lambda r: r.name, "name")], page_size=20, sort="name")
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.refresh()
    assert model.rowCount() == 20 and model.total == 45 and model.canFetchMore()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 40
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 45 and not model.canFetchMore()
    qtmodeltester.check(model)
