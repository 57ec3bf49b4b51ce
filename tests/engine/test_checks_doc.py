"""docs/checks.md has one entry per finding code, with its severity."""

import re
from pathlib import Path

from scpstudio.engine.findings import SEVERITY, Code

DOC = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


def test_every_code_has_an_entry_with_its_severity():
    text = DOC.read_text()
    entries = dict(re.findall(r"^### ([A-Z_]+)\n\n\*([a-z_]+)\*", text, flags=re.MULTILINE))

    assert entries == {code.value: SEVERITY[code].value for code in Code}


def test_every_entry_has_what_why_example_and_fix():
    sections = re.split(r"^### ", DOC.read_text(), flags=re.MULTILINE)[1:]

    for section in sections:
        for part in ("**What.**", "**Why it matters.**", "**Failing example", "**Fix.**"):
            assert part in section, section.splitlines()[0]
