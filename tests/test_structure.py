"""The code's shape (issue #16 item 6): each module small enough to read at a sitting (no
Python module of ours over 500 lines, no script over 400; migrations are Django's and vendored
scripts are not ours, so neither counts), and no import cycle between any two modules, a
package and its own modules included (import-linter's sibling contract does not see those)."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON_LIMIT = 500
SCRIPT_LIMIT = 400


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def _ours(folder: str, pattern: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / folder).rglob(pattern)
        if "migrations" not in path.parts and "vendor" not in path.parts
    )


PYTHON = [*_ours("scpstudio", "*.py"), *_ours("catalog", "*.py")]
SCRIPTS = _ours("static", "*.js")


def test_there_are_modules_and_scripts_to_measure():
    assert len(PYTHON) > 100
    assert {path.name for path in SCRIPTS} >= {"editor.js"}


@pytest.mark.parametrize("path", PYTHON, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_python_module_is_over_500_lines(path):
    assert _lines(path) <= PYTHON_LIMIT, f"{path.relative_to(ROOT)} has {_lines(path)} lines"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_script_is_over_400_lines(path):
    assert _lines(path) <= SCRIPT_LIMIT, f"{path.relative_to(ROOT)} has {_lines(path)} lines"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import each other, round and round (Tarjan's algorithm,
    without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_two_modules_import_each_other_even_through_others():
    graph = grimp.build_graph("scpstudio", "catalog")

    assert _cycles(graph) == []


def test_the_cycle_search_finds_a_cycle_through_a_package():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.reader", "pkg.other", "lone"):
        graph.add_module(module)
    graph.add_import(importer="pkg", imported="pkg.reader")
    graph.add_import(importer="pkg.reader", imported="pkg.other")
    graph.add_import(importer="pkg.other", imported="pkg")
    graph.add_import(importer="lone", imported="pkg")

    assert _cycles(graph) == [["pkg", "pkg.other", "pkg.reader"]]
