"""What a person writes survives the editor's round trips: import, form edits, fixes."""

from __future__ import annotations

import json
import re

import pytest

from tests.editor.helpers import EDITOR, form_fields, resubmit, shown_document

pytestmark = pytest.mark.django_db

DENY_SHARE = {
    "Version": "5.0",
    "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"], "Resource": ["*"]}],
}


def _import(client, document, profile="scp"):
    return client.post("/editor/import/", {"import_text": json.dumps(document), "profile": profile})


def _summary(response):
    return re.search(r'id="preview-summary">([^<]*)<', response.content.decode()).group(1)


def _condition_fields(response):
    return {k: v for k, v in form_fields(response).items() if "-c" in k}


def test_an_imported_scp_is_previewed_next_to_full_access(client):
    response = _import(client, DENY_SHARE)

    assert form_fields(response).get("full_access") == ["1"]
    assert _summary(response).startswith("1 of 29 APIs denied")
    assert "28 allowed" in _summary(response)


def test_two_rows_with_the_same_operator_and_key_are_written_as_one_list(client):
    page = _import(
        client,
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["ims:images:share"],
                    "Resource": ["*"],
                    "Condition": {"StringNotEquals": {"g:PrincipalAccount": "a"}},
                }
            ],
        },
    )
    page = resubmit(client, page, op="add-condition-0")

    response = resubmit(
        client,
        page,
        op="check",
        **{
            "s0-c1-key": "g:PrincipalAccount",
            "s0-c1-operator": "StringNotEquals",
            "s0-c1-values": "b",
        },
    )

    condition = shown_document(response)["Statement"][0]["Condition"]
    assert condition == {"StringNotEquals": {"g:PrincipalAccount": ["a", "b"]}}
    assert "Written together with condition 1" in response.content.decode()


def test_a_condition_with_an_empty_key_keeps_the_json_in_charge(client):
    document = {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Resource": ["*"],
                "Condition": {"StringEquals": {"": "x"}},
            }
        ],
    }

    response = _import(client, document)

    assert "The form is paused" in response.content.decode()
    assert json.loads(form_fields(response)["json"][0]) == document


@pytest.mark.parametrize("op", ["fix-0", "minify"])
def test_a_condition_row_without_a_key_survives_a_fix_elsewhere(client, op):
    document = {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Resource": ["*"],
                "Condition": {"StringLike": {"g:PrincipalUrn": "x*"}},
            }
        ],
    }
    page = resubmit(client, _import(client, document), op="add-condition-0")
    page = resubmit(
        client,
        page,
        op="check",
        **{"s0-c1-operator": "StringNotMatch", "s0-c1-values": "o-abc/*"},
    )

    response = resubmit(client, page, op=op)

    assert _condition_fields(response).get("s0-c1-values") == ["o-abc/*"]


def test_not_resource_with_all_resources_is_written_as_not_resource_star(client):
    response = resubmit(
        client,
        client.get(EDITOR),
        op="check",
        profile="identity",
        **{"s0-actions": "ims:images:get", "s0-not_resource": "1", "s0-resource_mode": "all"},
    )

    statement = shown_document(response)["Statement"][0]
    assert statement["NotResource"] == ["*"]
    assert "Resource" not in statement


def test_an_action_in_another_case_is_kept_as_written_until_fixed(client):
    document = {
        "Version": "5.0",
        "Statement": [{"Effect": "Deny", "Action": ["IMS:Images:Share"], "Resource": ["*"]}],
    }
    page = _import(client, document)

    response = resubmit(client, page, op="check")

    assert shown_document(response)["Statement"][0]["Action"] == ["IMS:Images:Share"]
    assert "ACTION_CASE" in response.content.decode()
