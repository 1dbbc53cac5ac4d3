"""UI tests: a real window on a real database in a temp folder, Danish by default."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TODAY

# The Jammerbugt story's steps check what the windows did with plain asserts, outside a test module: rewritten
# like the test's own, a failing check shows its values.
pytest.register_assert_rewrite("tests.ui.story_jammerbugt_steps")


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings")))


@pytest.fixture
def app(qapp):
    from desktop.ui.app import make_application

    application = make_application([])
    from desktop.ui import i18n

    i18n.set_language("da", application)
    return application


@pytest.fixture
def make_ctx(app, tmp_path):
    from desktop.ui.app import build_context

    made = []

    def make(folder=None, **kwargs):
        kwargs.setdefault("start_sync", False)
        ctx = build_context(folder or tmp_path / "data", **kwargs)
        ctx.today = lambda: TODAY
        made.append(ctx)
        # build_context reads the account snapshot on the worker: let it land before the test goes on, or a
        # test's own ctx.set_account could be replaced by that older snapshot arriving after it.
        deadline = time.monotonic() + 10
        while ctx.tasks.pending and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        return ctx

    yield make
    for ctx in made:
        if ctx.runner:
            ctx.runner.stop()
        ctx.tasks.shutdown()
        ctx.db.close()


@pytest.fixture
def ctx(make_ctx):
    return make_ctx()


@pytest.fixture
def window(ctx, qtbot):
    from desktop.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def seeded(ctx):
    ops = ctx.ops()
    company = ops.create_company(name="Jammerbugt Rengøring ApS", city="Aabybro", municipality="Jammerbugt").id
    ops.create_company(name="Aars Tømrer", city="Aars", municipality="Vesthimmerland")
    ops.create_company(name="Vesthimmerland Virksomhedscenter", is_centre=True, city="Aars")
    visit = ops.create_visit(company, body="Faglærte gør rent.").id
    ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13, hours_per_week=8)
    ops.add_mentor(company, name="Hanne Kjær")
    return {"company": company, "visit": visit}
