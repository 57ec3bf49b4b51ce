"""Small builders for policies in tests."""

from __future__ import annotations

import json
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.findings import Finding
from scpstudio.engine.validate import validate_policy


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "5.0", "Statement": list(statements)}


def deny(action: Any = "ims:images:get", **elements: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, **elements}


def allow(action: Any = "ims:images:get", **elements: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, **elements}


def findings(source: Any, catalog: Catalog, profile: str = "scp") -> list[Finding]:
    if isinstance(source, dict | list):
        source = json.dumps(source, indent=2)
    return list(validate_policy(source, catalog, profile).findings)


def codes(source: Any, catalog: Catalog, profile: str = "scp") -> set[tuple[str, str]]:
    return {(f.code.value, f.path) for f in findings(source, catalog, profile)}
