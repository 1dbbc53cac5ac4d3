"""A stacked widget whose pages are built the first time they are needed.

The main window has nine screens; building all of them at start-up cost about
half a second at 100,000 companies (issue 22: start-up < 1 s), mostly Qt
polishing each widget tree again when it is moved into the window. Only the
screen shown first is built at once; the others when opened or first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QStackedWidget, QWidget


class LazyStack(QStackedWidget):
    """Holds an empty stand-in per page until :meth:`page` builds the real one in its place."""

    def __init__(self, factories: Sequence[Callable[[], QWidget]],
                 on_built: Callable[[QWidget], None] | None = None) -> None:
        super().__init__()
        self._factories = list(factories)
        self._on_built = on_built
        self._built: list[QWidget | None] = [None] * len(self._factories)
        for _factory in self._factories:
            self.addWidget(QWidget())

    def page(self, index: int) -> QWidget:
        """The page at ``index``, built now if this is the first time it is asked for."""
        built = self._built[index]
        if built is not None:
            return built
        page = self._factories[index]()
        self._built[index] = page
        current = self.currentIndex()
        stand_in = self.widget(index)
        self.insertWidget(index, page)
        self.removeWidget(stand_in)
        stand_in.deleteLater()
        if self._on_built is not None:
            self._on_built(page)  # in place, so it sees the page's parents (e.g. to name its inputs)
        if current >= 0 and self.currentIndex() != current:
            self.setCurrentIndex(current)
        return page

    def built(self, index: int) -> QWidget | None:
        """The page at ``index`` if it has been built, else None (builds nothing)."""
        return self._built[index]

    def show_page(self, index: int) -> None:
        """Build (if needed) and show the page at ``index``."""
        if 0 <= index < len(self._built):
            self.page(index)
            self.setCurrentIndex(index)
