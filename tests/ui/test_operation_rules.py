"""The floor plan of desktop/ui, read from the source: one way to background work, one emitter, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop.ui

UI = Path(desktop.ui.__file__).parent
HELPER = "desktop/ui/operation.py"
# The executor behind the helper: it is the pool, so it submits to its own threads.
EXECUTOR = "desktop/ui/tasks.py"


def module_name(path: Path) -> str:
    return "desktop.ui." + ".".join(path.relative_to(UI).with_suffix("").parts).removesuffix(".__init__")


def ui_files() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(node: ast.AST) -> str:
    """``ctx.tasks.run`` for an attribute chain, "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def forbidden_calls(source: str) -> list[str]:
    """Raw task submissions, change-signal emissions and sync pokes in ``source`` (line: call)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if (name.endswith("tasks.run") or last in ("submit", "local_change", "run_with_progress")
                or name.endswith("changes_applied.emit")):
            found.append(f"{node.lineno}: {name}(")
    return found


def test_the_scanner_sees_what_it_must_forbid():
    source = """
ctx.tasks.run(lambda: 1, done)
self.ctx.tasks.run(work)
pool.submit(work)
self.ctx.events.changes_applied.emit(changes)
ctx.runner.local_change()
run_with_progress(ctx, work, done, "x")
Op.read(ctx, query).success(done).run()
"""
    assert [f.split(": ")[1] for f in forbidden_calls(source)] == [
        "ctx.tasks.run(", "self.ctx.tasks.run(", "pool.submit(", "self.ctx.events.changes_applied.emit(",
        "ctx.runner.local_change(", "run_with_progress("]


def test_background_work_and_the_change_signal_go_through_the_operation_helper_only():
    offenders = {}
    for path in ui_files():
        relative = path.relative_to(UI.parent.parent).as_posix()
        if relative in (HELPER, EXECUTOR):
            continue
        calls = forbidden_calls(path.read_text(encoding="utf-8"))
        if calls:
            offenders[relative] = calls
    assert offenders == {}, "use desktop.ui.operation.Op (it is the one place that announces changes)"


def test_the_helper_has_one_emitter_and_one_sync_poke():
    calls = forbidden_calls((UI / "operation.py").read_text(encoding="utf-8"))
    names = [c.split(": ")[1] for c in calls]
    assert names.count("ctx.events.changes_applied.emit(") == 1
    assert names.count("runner.local_change(") == 0  # handed to the worker, not called on the GUI thread
    assert sum("local_change" in c for c in (UI / "operation.py").read_text(encoding="utf-8").splitlines()
               if "tasks.run(" in c) == 1


def imports(path: Path) -> set[str]:
    """The desktop.ui modules ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("desktop.ui"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("desktop.ui"))
    return found


def test_no_module_cycles_in_the_ui():
    """Screens share field lists through desktop.ui.fields, not by importing each other."""
    modules = {module_name(p): p for p in ui_files()}
    graph = {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append(" -> ".join([*trail[trail.index(target):], target]))
            elif target not in done:
                visit(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []
