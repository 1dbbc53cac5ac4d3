"""The import boundary: the core (desktop.domain, models, sync, reports and server) never imports
Qt (PySide6, shiboken6) or the UI. Checked three ways: the import-linter contracts, a walk over the
source, and what importing the core actually loads."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ("desktop.domain", "desktop.models", "desktop.sync", "desktop.reports", "server")
FORBIDDEN = ("PySide6", "shiboken6", "desktop.ui")


def core_files() -> list[Path]:
    return sorted(p for package in CORE for p in (ROOT / package.replace(".", "/")).rglob("*.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(source: str, module: str) -> list[str]:
    """Every module a file imports, relative imports resolved, dynamic imports of literals included."""
    is_package = module.endswith(".__init__")
    package = module[: -len(".__init__")] if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source, module)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.append(prefix)
            names += [f"{prefix}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names.append(node.args[0].value)
    return names


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), f"{lint_imports} missing: install the test extras"
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_the_contract_covers_the_whole_core():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config.get("include_external_packages") is True  # else PySide6 cannot be named
    qt_free = [c for c in config["contracts"] if c["type"] == "forbidden" and "PySide6" in c["forbidden_modules"]]
    assert qt_free, "no import-linter contract forbids PySide6"
    assert set(CORE) <= set(qt_free[0]["source_modules"])
    assert set(FORBIDDEN) <= set(qt_free[0]["forbidden_modules"])


@pytest.mark.parametrize("source", ["import PySide6.QtCore", "from PySide6 import QtWidgets", "from ..ui import app",
                                    "from desktop import ui", "import importlib\nimportlib.import_module('shiboken6')",
                                    "from . import ui"])
def test_the_walk_finds_a_forbidden_import(source):
    # The checker itself works: it sees plain, from-, relative and dynamic imports.
    module = "desktop.__init__" if source == "from . import ui" else "desktop.models.probe"
    assert any(forbidden(n) for n in imported_modules(source, module)), source


def test_the_walk_allows_the_cores_own_imports():
    names = imported_modules("from ..domain import rules\nfrom . import search\nimport sqlalchemy", "desktop.models.x")
    assert not any(forbidden(n) for n in names)
    assert {"desktop.domain.rules", "desktop.models.search", "sqlalchemy"} <= set(names)


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_module_imports_qt_or_the_ui(path):
    bad = [name for name in imported_modules(path.read_text(encoding="utf-8"), module_name(path)) if forbidden(name)]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"


def test_importing_the_core_loads_no_qt():
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {list(CORE)!r}:\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        if '.migrations' in info.name or info.name.endswith('__main__'):\n"
        "            continue\n"
        "        importlib.import_module(info.name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6') "
        "or m.startswith('desktop.ui'))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
