"""Templates for common guardrails, kept as data in `data/templates.json`.

Each template is a starting point a user opens in the editor: a slug, a title, a
paragraph saying what it blocks and what it leaves alone, the profile it is written
for and the policy text. `example_context` is a preview context under which the policy
denies `denies` (APIs as `METHOD /path`): the page can offer it as "try it", and the
tests hold every template to its word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "templates.json"


@dataclass(frozen=True, slots=True)
class PolicyTemplate:
    slug: str
    title: str
    explanation: str
    profile: str
    document: str
    example_context: dict[str, Any] = field(default_factory=dict)
    denies: tuple[str, ...] = ()


@cache
def policy_templates() -> tuple[PolicyTemplate, ...]:
    """Every template, in the file's order (read once per process)."""
    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return tuple(
        PolicyTemplate(
            slug=entry["slug"],
            title=entry["title"],
            explanation=entry["explanation"],
            profile=entry["profile"],
            document=entry["document"],
            example_context=entry.get("example_context", {}),
            denies=tuple(entry.get("denies", ())),
        )
        for entry in data["templates"]
    )


def policy_template(slug: str) -> PolicyTemplate | None:
    return next((t for t in policy_templates() if t.slug == slug), None)
