"""Each module small enough to read at a sitting (issue #16 item 6): no Python module of ours
over 500 lines, no script of ours over 400. Migrations are written by Django and vendored
scripts are not ours, so neither counts."""

from __future__ import annotations

from pathlib import Path

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
