"""Language, translations, and formatting in the UI language (the rules live in desktop.domain.formatting).

Interface text is written in English in the code and translated with Qt's
translator from ``resources/translations/feltbog_da.qm``; Danish is the
default. Field labels and choice names come from the shared domain schema,
which carries both languages.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from desktop.domain import formatting
from desktop.domain.schema import ENTITIES
from desktop.paths import resource

LANGUAGES = {"da": "Dansk", "en": "English"}

_state: dict[str, formatting.Language] = {"language": "da"}


def tr(text: str) -> str:
    """Translate interface text (English source) into the UI language.

    The empty context is what ``pyside6-lupdate`` gives plain ``tr("...")``
    calls, so scripts/translations.sh finds every string in desktop/ui.
    """
    return QCoreApplication.translate("", text)


def language() -> formatting.Language:
    """The UI language: "da" (default) or "en"."""
    return _state["language"]


def saved_language() -> str:
    """The language chosen in settings (Danish until someone picks English)."""
    value = QSettings().value("language", "da")
    return value if value in LANGUAGES else "da"


_installed: dict[int, list[QTranslator]] = {}  # per application: what set_language installed, to remove on a switch


def set_language(code: str, app: QCoreApplication | None = None) -> QTranslator | None:
    """Switch the UI language; installs the Danish translator for "da"."""
    _state["language"] = "en" if code == "en" else "da"
    QSettings().setValue("language", _state["language"])
    app = app or QCoreApplication.instance()
    for old in _installed.pop(id(app), []):  # the translators this module installed before
        app.removeTranslator(old)
    QLocale.setDefault(QLocale(QLocale.Language.Danish if _state["language"] == "da" else QLocale.Language.English))
    if _state["language"] != "da":
        return None
    # Qt's own texts (a text field's right-click menu, "Vis detaljer...", the calendar's tooltips) in Danish too.
    qt_translator = QTranslator(app)
    if qt_translator.load("qtbase_da", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        _installed.setdefault(id(app), []).append(qt_translator)
    translator = QTranslator(app)
    if translator.load(str(resource("translations", "feltbog_da.qm"))):
        app.installTranslator(translator)
        _installed.setdefault(id(app), []).append(translator)
        return translator
    return None


def label(entity: str, field: str) -> str:
    """A field's label in the UI language (from the domain schema)."""
    spec = ENTITIES[entity].field_map[field]
    return spec.label_en if language() == "en" else spec.label_da


def entity_label(entity: str) -> str:
    """An entity's name in the UI language."""
    spec = ENTITIES[entity]
    return spec.label_en if language() == "en" else spec.label_da


def choice(entity: str, field: str, value: str | None) -> str:
    """Display name of a choice value, e.g. "virksomhedspraktik" -> "Virksomhedspraktik"."""
    return formatting.choice_name(f"{entity}.{field}", value, language())


def fmt_date(value: date | datetime | None) -> str:
    """Danish style: 22-11-2026."""
    return formatting.dk_date(value)


def fmt_datetime(value: datetime | None) -> str:
    """Danish style with time, in local time: 22-11-2026 14:05."""
    return formatting.dk_datetime(value)


def week(value: date | None) -> str:
    """ISO week as people plan by it: "uge 48" (or "week 48")."""
    return formatting.week_label(value, language())
