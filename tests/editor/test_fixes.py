"""One-click repairs in the editor: certain fixes and chosen ones, through the real view."""

from __future__ import annotations

import json
import re

import pytest

from scpstudio.editor.html import describe_change
from scpstudio.engine.findings import Fix
from tests.editor.helpers import EDITOR, resubmit, shown_document

pytestmark = pytest.mark.django_db


def _open(client, document):
    return client.post(EDITOR, {"op": "json", "source": "json", "json": json.dumps(document)})


def _button(response, label):
    body = response.content.decode()
    found = re.findall(rf'value="((?:use|fix)-[\w-]+)"[^>]*>{re.escape(label)}<', body)
    assert found, f"no button {label!r}"
    return found[0]


def test_choosing_a_qualifier_renames_the_operator(client):
    page = _open(
        client,
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["ims:images:share"],
                    "Resource": ["*"],
                    "Condition": {"StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/*"]}},
                }
            ],
        },
    )

    response = resubmit(client, page, _button(page, "Use ForAnyValue:StringNotMatch"))

    condition = shown_document(response)["Statement"][0]["Condition"]
    # the operator renamed where it stands; its value kept as written (a list)
    assert condition == {"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/*"]}}
    assert "MISSING_QUALIFIER" not in response.content.decode()


def test_star_replaces_urns_an_action_cannot_take(client):
    page = _open(
        client,
        {
            "Version": "5.0",
            "Statement": [
                {"Effect": "Deny", "Action": ["ims:quotas:get"], "Resource": ["ims:*:*:image:*"]}
            ],
        },
    )

    response = resubmit(client, page, _button(page, "Fix"))

    assert shown_document(response)["Statement"][0]["Resource"] == ["*"]
    assert "UNSUPPORTED_RESOURCE_URN" not in response.content.decode()


def test_minify_button_appears_when_only_the_minified_policy_fits(client):
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:addMember"],
            "Resource": ["*"],
            "Condition": {"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": [f"o-{i}/*"]}},
        }
        for i in range(18)
    ]
    text = json.dumps({"Version": "5.0", "Statement": statements}, indent=2)
    assert (
        len(json.dumps({"Version": "5.0", "Statement": statements}, separators=(",", ":")))
        < 5120
        < len(text)
    )
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text})
    assert "POLICY_SIZE_NEEDS_MINIFYING" in page.content.decode()

    response = resubmit(client, page, "minify")

    assert "POLICY_SIZE_NEEDS_MINIFYING" not in response.content.decode()


CONDITION = "/Statement/0/Condition"


@pytest.mark.parametrize(
    ("fix", "said"),
    [
        (
            Fix(
                "move",
                "/Statement/0/Condition/StringEquals",
                None,
                "/Statement/0/Condition/StringEqual",
            ),
            "Changed StringEqual to StringEquals",
        ),
        (
            Fix("replace", "/Statement/0/Action/0", "ims:images:share"),
            "Changed IMS:Images:Share to ims:images:share",
        ),
        (Fix("remove", "/Statement/0/Action/1"), "Removed ims:*"),
        (Fix("remove", "/Statement/0/Sid"), "Removed Sid"),
        (Fix("add", "/Version", "5.0"), "Added Version 5.0"),
    ],
)
def test_a_repair_says_what_it_changed(fix, said):
    document = {
        "Statement": [
            {
                "Sid": "x",
                "Action": ["IMS:Images:Share", "ims:*"],
                "Condition": {"StringEqual": {"g:UserName": "a"}},
            }
        ]
    }

    assert describe_change(fix, document) == said
