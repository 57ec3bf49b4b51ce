"""IMS read from IAM's authorization schema gives the engine the same answers as IMS read
from Huawei's page: every policy of the suite, previewed on both, API by API joined by action.

`fixtures/ims-schema.json` is IMS written in the schema's shape to match the page: the same
actions, types and keys, and one operation per page API whose dependent actions are the
actions that API needs besides its own (its dependencies, less those the page marks as
needed only in a situation). The schema knows no paths, so its APIs are its operations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from catalog.importers.schema import read_schema
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.preview import Preview, preview_policy
from tests.catalog.schema_data import ims_schema
from tests.fuzz.strategies import contexts, policies

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "catalog" / "data"
TEMPLATES = ROOT / "scpstudio" / "policies" / "data" / "templates.json"


def _shipped(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _page_catalog() -> Catalog:
    return catalog_from_json(
        [_shipped(n) for n in ("global-keys.json", "ims.json", "regions.json")]
    )


def _schema_catalog() -> Catalog:
    data = read_schema(ims_schema())
    assert data.errors == []
    return catalog_from_json(
        [_shipped("global-keys.json"), data.document, _shipped("regions.json")]
    )


def _deny(*actions: str, **elements: Any) -> str:
    statement = {"Effect": "Deny", "Action": list(actions), "Resource": "*", **elements}
    return json.dumps({"Version": "5.0", "Statement": [statement]})


def _policies() -> list[tuple[str, str, dict[str, Any]]]:
    """Every guardrail template with its example context, and policies that stress
    dependencies, wildcards, NotAction, conditions and allow lists."""
    templates = json.loads(TEMPLATES.read_text(encoding="utf-8"))["templates"]
    out = [(t["slug"], t["document"], t["example_context"]) for t in templates]
    allow_list = {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Allow", "Action": ["ims:images:list", "ims:images:get"]},
        ],
    }
    out += [
        ("deny a dependency", _deny("ims:images:get"), {}),
        ("deny another service's dependency", _deny("obs:object:GetObject"), {}),
        ("deny a situational dependency", _deny("ims:serverImages:create"), {}),
        ("deny by wildcard", _deny("ims:images:*"), {}),
        (
            "deny everything but listing",
            json.dumps(
                {
                    "Version": "5.0",
                    "Statement": [
                        {"Effect": "Deny", "NotAction": ["ims:*:list*"], "Resource": "*"}
                    ],
                }
            ),
            {},
        ),
        (
            "deny unencrypted, unknown key",
            _deny("ims:*", Condition={"Bool": {"ims:Encrypted": ["false"]}}),
            {},
        ),
        (
            "deny by tag, known",
            _deny("ims:images:*", Condition={"StringEquals": {"g:ResourceTag/env": ["prod"]}}),
            {"keys": {"g:ResourceTag/env": ["prod"]}},
        ),
        ("allow list without FullAccess", json.dumps(allow_list), {}),
    ]
    return out


def _outcomes_by_action(preview: Preview) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    """The outcomes (and possible outcomes) of the APIs whose own action is each action."""
    out: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for row in preview.apis:
        own = [a.action for a in row.actions if a.dependency_of is None]
        possible = tuple(sorted(o.value for o in row.possible))
        for action in own[:1]:
            out.setdefault(action, set()).add((row.outcome.value, possible))
    return out


POLICIES = _policies()


@pytest.mark.parametrize(("name", "document", "context"), POLICIES, ids=[p[0] for p in POLICIES])
def test_ims_from_the_schema_previews_as_ims_from_the_page(name, document, context):
    page, schema = _page_catalog(), _schema_catalog()

    on_page = preview_policy(document, page, context=context, services=["ims"])
    on_schema = preview_policy(document, schema, context=context, services=["ims"])

    assert len(on_schema.apis) == len(on_page.apis) == 29
    assert _outcomes_by_action(on_schema) == _outcomes_by_action(on_page)


PAGE, SCHEMA = _page_catalog(), _schema_catalog()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=policies(), context=contexts())
def test_any_policy_previews_alike_on_ims_from_the_schema_and_from_the_page(document, context):
    on_page = _answer(document, PAGE, context)
    on_schema = _answer(document, SCHEMA, context)

    assert on_schema == on_page


def _answer(document: Any, catalog: Catalog, context: Any) -> Any:
    """The outcomes by action and the problem, or the sentence refusing the input."""
    try:
        preview = preview_policy(document, catalog, context=context, services=["ims"])
    except EngineInputError as exc:
        return str(exc)
    return preview.problem, _outcomes_by_action(preview)


def test_the_comparison_sees_a_difference_when_an_operation_loses_a_dependent_action():
    schema = ims_schema()
    for op in schema["operations"]:
        if op["operation_action"] == "ims:images:share":
            op["dependent_actions"] = []
    data = read_schema(schema)
    broken = catalog_from_json([_shipped("global-keys.json"), data.document])
    document = _deny("ims:images:get")

    on_page = preview_policy(document, _page_catalog())
    on_schema = preview_policy(document, broken)

    assert _outcomes_by_action(on_schema) != _outcomes_by_action(on_page)
