"""The editor page through the real view: ops, the JSON path, and hostile input."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scpstudio.editor.ops import parse_op
from tests.editor.helpers import (
    EDITOR,
    HTMX,
    form_fields,
    normalized,
    read_page,
    resubmit,
    shown_document,
    shown_json,
)

pytestmark = pytest.mark.django_db

WRITE_ACTIONS = {
    "ims:dataImages:create",
    "ims:images:addMember",
    "ims:images:copyCrossRegion",
    "ims:images:copyInRegion",
    "ims:images:create",
    "ims:images:deleteImage",
    "ims:images:deleteMember",
    "ims:images:import",
    "ims:images:setOrDeleteTags",
    "ims:images:updateImage",
    "ims:images:updateMemberStatus",
    "ims:images:upload",
    "ims:serverImages:create",
    "ims:wholeImages:create",
}
CATALOG_ACTIONS = sorted(WRITE_ACTIONS | {"ims:images:share", "ims:images:get", "ims:quotas:get"})
PATTERNS = ["ims:images:*", "ims:*:list*", "obs:buckets:get", "ims:images:shar"]
REQUEST_WIDE_KEYS = ["g:MFAPresent", "g:SourceIp", "g:PrincipalAccount", "g:MFAAge", "g:CalledVia"]

THREE_STATEMENTS = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "First",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:*"],
            "Resource": ["ims:cn-north-4:*:image:*"],
            "Condition": {
                "ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-2/*", "o-3/*"]},
                "BoolIfExists": {"g:MFAPresent": False},
            },
        },
        {
            "Sid": "Second",
            "Effect": "Deny",
            "NotAction": ["ims:images:get"],
            "NotResource": ["ims:*:*:image:keep"],
        },
        {
            "Sid": "Third",
            "Effect": "Allow",
            "Action": ["ims:quotas:get"],
            "Resource": ["*"],
            "Condition": {"NumberLessThan": {"g:MFAAge": 3600}},
        },
    ],
}


def _open(client: Client, document: Any, **extra: Any) -> Any:
    """The whole page after pasting `document` into the JSON box."""
    text = document if isinstance(document, str) else json.dumps(document)
    return client.post(EDITOR, {"op": "json", "json": text, **extra})


def _statements(response: Any) -> list[dict[str, Any]]:
    return normalized(shown_document(response), actions_as_sets=True)["Statement"]


def _ops_in(response: Any, prefix: str) -> list[str]:
    return re.findall(rf'name="op" value="({prefix}[^"]*)"', response.content.decode())


# -- the page -------------------------------------------------------------------------------


def test_the_page_opens_with_one_empty_deny_statement(client):
    response = client.get(EDITOR)

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert shown_document(response) == {
        "Version": "5.0",
        "Statement": [{"Effect": "Deny", "Action": [], "Resource": ["*"]}],
    }


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused_with_405(client, method):
    response = getattr(client, method)(EDITOR)

    assert response.status_code == 405


@pytest.mark.parametrize("url", ["/editor/export/", "/editor/import/"])
def test_export_and_import_refuse_get(client, url):
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("url", [EDITOR, "/editor/export/", "/editor/import/"])
def test_a_post_without_a_csrf_token_is_refused_with_403(url):
    client = Client(enforce_csrf_checks=True)

    response = client.post(url, {"op": "check", "json": "{}"})

    assert response.status_code == 403


def test_the_page_posted_back_with_its_own_csrf_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    page = client.get(EDITOR)

    response = resubmit(client, page)

    assert response.status_code == 200


# -- the form shows a pasted policy and writes it back -------------------------------------------


def test_pasted_json_fills_the_form_with_its_boxes_checked(client):
    response = client.post(EDITOR, {"op": "json", "json": json.dumps(THREE_STATEMENTS)}, **HTMX)

    body = response.content.decode()
    assert "<html" not in body
    assert 'id="workspace" hx-swap-oob="true"' in body
    fields = form_fields(client.post(EDITOR, {"op": "json", "json": json.dumps(THREE_STATEMENTS)}))
    assert fields["s0-actions"] == ["ims:images:share"]
    assert fields["s0-patterns"] == ["ims:images:*"]
    assert fields["s1-not_action"] == ["1"]
    assert fields["s2-effect"] == ["Allow"]
    assert re.search(r'name="s0-actions" value="ims:images:share"\s+checked', body)


def test_a_pasted_policy_comes_back_the_same_after_a_form_edit(client):
    page = _open(client, THREE_STATEMENTS)

    response = resubmit(client, page)

    assert _statements(response) == normalized(THREE_STATEMENTS, actions_as_sets=True)["Statement"]


@st.composite
def form_policies(draw: st.DrawFn) -> dict[str, Any]:
    """Policies whose every part has a place in the page's form."""
    visible = st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
        min_size=1,
        max_size=10,
    ).filter(lambda t: t == t.strip())
    text = st.one_of(visible, st.sampled_from(["<script>x</script>", '"><b>', "a&amp;b"]))
    statements = []
    for _ in range(draw(st.integers(0, 3))):
        s: dict[str, Any] = {"Effect": draw(st.sampled_from(["Deny", "Allow", "Audit"]))}
        if draw(st.booleans()):
            s["Sid"] = draw(text)
        element = draw(st.sampled_from(["Action", "NotAction"]))
        s[element] = draw(st.lists(st.sampled_from(CATALOG_ACTIONS + PATTERNS), max_size=5))
        resource = draw(st.sampled_from(["Resource", "NotResource", None]))
        if resource:
            s[resource] = draw(st.lists(st.one_of(st.just("ims:*:*:image:*"), text), max_size=3))
        condition: dict[str, Any] = {}
        for key in draw(st.lists(st.sampled_from(REQUEST_WIDE_KEYS), unique=True, max_size=3)):
            operator = draw(
                st.sampled_from(["StringEquals", "Bool", "NumberEquals", "StringMatch"])
            )
            qualifier = draw(st.sampled_from(["", "ForAnyValue:"]))
            suffix = draw(st.sampled_from(["", "IfExists"]))
            values = {"Bool": st.booleans(), "NumberEquals": st.integers(-5, 10**6)}.get(
                operator, text
            )
            written = qualifier + operator + suffix
            condition.setdefault(written, {})[key] = draw(st.lists(values, max_size=3))
        if condition:
            s["Condition"] = condition
        statements.append(s)
    return {"Version": "5.0", "Statement": statements}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=form_policies())
def test_any_policy_the_form_shows_survives_a_trip_through_the_page(client, document):
    page = _open(client, document)
    assert "form-problem" not in page.content.decode()

    response = resubmit(client, page)

    assert _statements(response) == normalized(document, actions_as_sets=True)["Statement"]


@pytest.mark.parametrize("key", ["ims:Encrypted", "g:mfapresent"])
def test_a_condition_key_outside_the_statements_choices_survives_a_form_edit(client, key):
    document = {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Resource": ["*"],
                "Condition": {"Bool": {key: True}},
            }
        ],
    }
    page = _open(client, document)

    response = resubmit(client, page)

    assert shown_document(response) == document


# -- structural ops: nothing typed is lost ---------------------------------------------------------


@pytest.fixture
def three(client):
    return _open(client, THREE_STATEMENTS)


EXPECTED = normalized(THREE_STATEMENTS, actions_as_sets=True)["Statement"]


def _post_op(client: Client, page: Any, op: str, htmx: bool, **changes: Any) -> Any:
    data: dict[str, Any] = form_fields(page)
    data.update(changes)
    data["op"] = op
    return client.post(EDITOR, data, **(HTMX if htmx else {}))


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("op", "order"),
    [
        ("up-1", [1, 0, 2]),
        ("up-0", [0, 1, 2]),
        ("down-0", [1, 0, 2]),
        ("down-2", [0, 1, 2]),
        ("remove-statement-1", [0, 2]),
        ("remove-statement-0", [1, 2]),
        ("remove-statement-7", [0, 1, 2]),
        ("refresh", [0, 1, 2]),
        ("check", [0, 1, 2]),
    ],
)
def test_moving_and_removing_statements_keeps_every_typed_value(client, three, htmx, op, order):
    response = _post_op(client, three, op, htmx)

    assert response.status_code == 200
    assert _statements(response) == [EXPECTED[i] for i in order]
    assert ("<html" in response.content.decode()) is not htmx


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_adding_a_statement_keeps_the_others_and_adds_an_empty_deny(client, three, htmx):
    response = _post_op(client, three, "add-statement", htmx)

    statements = _statements(response)
    assert statements[:3] == EXPECTED
    assert statements[3] == {"Effect": "Deny", "Action": [], "Resource": ["*"]}
    if htmx:
        assert response.content.decode().lstrip().startswith('<div id="workspace"')


def test_removing_the_only_statement_leaves_an_empty_one(client):
    page = client.get(EDITOR)

    response = resubmit(client, page, "remove-statement-0", **{"s0-sid": "Gone"})

    assert _statements(response) == [{"Effect": "Deny", "Action": [], "Resource": ["*"]}]


def test_adding_and_removing_conditions_keeps_the_other_rows(client, three):
    added = _post_op(client, three, "add-condition-0", False)
    assert "s0-c2-key" in added.content.decode()
    rows = _statements(added)[0]["Condition"]
    assert (
        rows["ForAnyValue:StringNotMatch"] == EXPECTED[0]["Condition"]["ForAnyValue:StringNotMatch"]
    )

    removed = _post_op(client, three, "remove-condition-0-0", True)

    assert _statements(removed)[0]["Condition"] == {"BoolIfExists": {"g:MFAPresent": [False]}}
    assert _statements(removed)[1:] == EXPECTED[1:]


def test_the_write_level_button_adds_the_14_write_actions_to_those_chosen(client, three):
    response = _post_op(client, three, "level-0-write", True)

    actions = set(_statements(response)[0]["Action"])
    assert actions == WRITE_ACTIONS | {"ims:images:share", "ims:images:*"}
    assert _statements(response)[1:] == EXPECTED[1:]


def test_clearing_actions_empties_only_that_statement(client, three):
    response = _post_op(client, three, "clear-actions-0", False)

    assert _statements(response)[0]["Action"] == []
    assert _statements(response)[1:] == EXPECTED[1:]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_add_urn_builds_the_urn_from_the_builder_region(client, htmx):
    page = client.get(EDITOR)
    data = form_fields(page)
    data.update({"s0-actions": ["ims:images:share"], "builder-region-0-image": "cn-north-4"})

    response = client.post(EDITOR, {**data, "op": "add-urn-0-image"}, **(HTMX if htmx else {}))

    assert _statements(response)[0]["Resource"] == ["ims:cn-north-4:*:image:*"]
    assert 'name="s0-resource_mode" value="specific" checked' in response.content.decode()


def test_add_urn_with_an_unknown_type_says_so(client):
    response = client.post(EDITOR, {"statement_count": "1", "op": "add-urn-0-bucket"})

    assert (
        "The catalog has no resource type &#x27;bucket&#x27; for ims." in response.content.decode()
    )


def test_add_urn_uses_the_builder_of_the_statement_it_was_clicked_in(client):
    document = {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Deny", "Action": ["ims:images:share"]},
            {"Effect": "Deny", "Action": ["ims:images:get"]},
        ],
    }
    data = form_fields(_open(client, document))
    assert "builder-region-1-image" in data
    data["builder-region-0-image"] = ["cn-north-4"]

    response = client.post(EDITOR, {**data, "op": "add-urn-0-image"})

    assert _statements(response)[0]["Resource"] == ["ims:cn-north-4:*:image:*"]


# -- fixes ------------------------------------------------------------------------------------


def test_a_suggestion_button_replaces_the_mistyped_action(client):
    page = client.post(EDITOR, {"statement_count": "1", "s0-patterns": "ims:images:shar"})
    [use] = re.findall(r'value="(use-\d+-\w+)"[^>]*>Use ims:images:share<', page.content.decode())

    response = resubmit(client, page, use)

    assert _statements(response)[0]["Action"] == ["ims:images:share"]
    assert "Changed ims:images:shar to ims:images:share." in response.content.decode()


def test_a_certain_fix_is_applied(client):
    document = {
        "Version": "5.0",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["ims:images:share"],
                "Condition": {"StringLike": {"ims:TargetOrgPaths": "o-1/*"}},
            }
        ],
    }
    page = _open(client, document)
    fixes = _ops_in(page, "fix-")
    assert fixes

    response = resubmit(client, page, fixes[0], **HTMX)

    assert "Changed StringLike to StringMatch." in response.content.decode()
    assert "StringMatch" in _statements(response)[0]["Condition"]


@pytest.mark.parametrize("op", ["fix-99", "use-99-0", "use-0-99", "use-0-x", "fix-0"])
def test_a_stale_fix_gives_a_message_not_an_error(client, op):
    page = client.get(EDITOR)

    response = resubmit(client, page, op, **HTMX)

    assert response.status_code == 200
    assert "That fix no longer applies" in response.content.decode()


def test_minify_leaves_the_policy_as_one_line(client):
    page = _open(client, THREE_STATEMENTS)

    response = resubmit(client, page, "minify")

    text = shown_json(response)
    assert "\n" not in text
    assert normalized(json.loads(text)) == normalized(THREE_STATEMENTS)


# -- the JSON path ------------------------------------------------------------------------------


def test_a_json_syntax_error_names_its_line_and_column(client):
    text = '{\n  "Version": "5.0",\n  "Statement": [\n    {"Effect": "Deny",}\n  ]\n}'

    response = client.post(EDITOR, {"op": "json", "json": text}, **HTMX)

    body = response.content.decode()
    assert re.search(r'class="form-problem".*line 4, column \d+', body, re.S)
    assert "JSON_SYNTAX_ERROR" in body


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({**THREE_STATEMENTS, "Id": "x"}, "the element &#x27;Id&#x27; has no place in the form"),
        ({"Version": "1.1", "Statement": []}, "/Version is &quot;1.1&quot;"),
        ({"Statement": [{"Effect": "Deny", "Action": "a"}]}, "the policy has no Version"),
        (
            {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": [1]}]},
            "/Statement/0/Action must be a string or a list of strings",
        ),
    ],
)
def test_json_the_form_cannot_show_stays_in_charge_and_says_why(client, document, why):
    text = json.dumps(document, indent=1)

    response = client.post(EDITOR, {"op": "json", "json": text, "statement_count": "1"})

    body = response.content.decode()
    assert "The form is paused." in body
    assert why in body
    assert shown_json(response) == text
    assert 'name="source" value="json"' in body
    again = resubmit(client, response, "check")
    assert shown_json(again) == text


def test_a_missing_version_is_not_silently_written_as_5_0(client):
    text = '{"Statement": [{"Effect": "Deny", "Action": ["ims:images:share"]}]}'

    page = client.post(EDITOR, {"op": "json", "json": text})
    response = resubmit(client, page, "check")

    assert shown_json(response) == text
    assert "MISSING_VERSION" in response.content.decode()


def test_json_over_the_limit_is_not_read(client):
    response = client.post(EDITOR, {"op": "json", "json": " " * 100_001}, **HTMX)

    assert "longer than 100,000 characters" in response.content.decode()


# -- hostile input ------------------------------------------------------------------------------

MARK = '<script>alert("x")</script>'
ATTR_BREAK = '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "data",
    [
        {"op": "json", "json": "[" * 100_000},
        {"op": "json", "json": '{"a":' * 50_000},
        {"op": "json", "json": "{" + '"k": 1,' * 40_000 + "}"},
        {"op": "json", "json": '{"Version": "5.0", "Statement": [' + "{}," * 30_000 + "{}]}"},
        {"op": "json", "json": "\x00"},
        {"op": "json", "json": '"\\ud800"'},
        {"op": "json", "json": "1e999999"},
        {"op": "json", "json": "NaN"},
        {
            "op": "json",
            "json": json.dumps(
                {
                    "Version": "5.0",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Action": ["ims:images:share"],
                            "Condition": {"NumberEquals": {"g:MFAAge": "9" * 5000}},
                        }
                    ],
                }
            ),
        },
        {"op": "minify", "source": "json", "json": "[" * 5000},
        {"statement_count": "999999"},
        {"statement_count": "-5"},
        {"statement_count": "abc"},
        {"statement_count": "1", "s0-condition_count": "999999999999999999999"},
        {"statement_count": "1", "s0-condition_count": "20", "s0-c3-values": "\x00\r\n\x00"},
        {"name": "x" * 1_000_000},
        {"statement_count": "1", "s0-patterns": "ims:images:*\n" * 80_000},
        {"statement_count": "1", "s0-sid": "\x00" * 1000, "s0-resources": "\x00"},
        {"ctx_keys": "g:MFAAge=\x00\n" * 1000, "ctx_region": "\x00"},
        {"preview_filter": "\x00"},
        {"op": ""},
        {"op": "bogus"},
        {"op": "\x00"},
        {"op": "fix"},
        {"op": "up-99999999999999999999999"},
        {"op": "remove-condition-0-99999999999999999999999"},
        {"op": "remove-condition-0-x"},
        {"op": "level-0-<script>"},
        {"op": "add-urn-0-../../etc"},
        {"op": "add-urn-0-" + "x" * 10_000},
        {"op": "use-0-" + "9" * 5000},
        {"op": "add-statement", "statement_count": "50"},
        {"op": "add-condition-0", "s0-condition_count": "20"},
        {"profile": MARK, "s0-service": MARK, "statement_count": "1"},
    ],
    ids=lambda d: repr(d)[:40],
)
def test_hostile_input_gets_an_answer_not_a_server_error(client, data, htmx):
    response = client.post(EDITOR, data, **(HTMX if htmx else {}))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"name=%ED%A0%80&json=%ED%A0%80&op=json",
        b"name=\xed\xa0\x80&s0-sid=\xff\xfe&statement_count=1",
        b"op=check&statement_count=1&s0-patterns=%00%ff%ED%B0%80",
    ],
)
def test_bytes_that_are_not_utf_8_get_an_answer_not_a_server_error(client, body):
    response = client.generic(
        "POST", EDITOR, body, content_type="application/x-www-form-urlencoded", **HTMX
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:\\ud800"]}]}',
        '{"Version": "5.0", "Statement": [{"Sid": "\\udc00", "Effect": "Deny", "Action": "a"}]}',
        '{"Version": "5.0", "Statement": [], "\\ud800": 1}',
    ],
)
def test_json_with_a_lone_surrogate_escape_gets_an_answer_not_a_server_error(client, text):
    response = client.post(EDITOR, {"op": "json", "json": text})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("op", "parsed"),
    [
        ("add-statement", ("add-statement", None, None)),
        ("remove-statement-2", ("remove-statement", 2, None)),
        ("level-0-permission_management", ("level", 0, "permission_management")),
        ("add-urn-1-image", ("add-urn", 1, "image")),
        ("use-3-1", ("use", 3, "1")),
        ("remove-condition-0-4", ("remove-condition", 0, "4")),
        ("up-" + "9" * 5000, ("", None, None)),
        ("use-0-" + "9" * 5000, ("", None, None)),
        ("fix-0\n", ("", None, None)),
        ("up-\u0663", ("", None, None)),
    ],
)
def test_button_ops_are_read_by_whole_name(op, parsed):
    assert parse_op(op) == parsed


def test_statement_count_above_the_limit_shows_at_most_50_statements(client):
    response = client.post(EDITOR, {"statement_count": "999999"})

    assert len(_statements(response)) == 50


def test_adding_a_statement_past_the_limit_says_so(client):
    response = client.post(EDITOR, {"statement_count": "50", "op": "add-statement"})

    assert len(_statements(response)) == 50
    assert "A policy holds at most 50 statements in the form." in response.content.decode()


def test_more_fields_than_the_limit_get_a_page_that_explains(client):
    response = client.post(EDITOR, {f"f{n}": "x" for n in range(12_000)})

    assert response.status_code == 400
    assert "more than 10,000 form fields" in response.content.decode()


def test_a_body_over_the_upload_limit_gets_a_page_that_explains(client):
    response = client.post(EDITOR, {"op": "json", "json": " " * (3 * 1024 * 1024)})

    assert response.status_code == 400
    assert "a body over 2 MB" in response.content.decode()


def test_the_largest_form_the_editor_renders_can_be_posted_back(client):
    statement = {"Effect": "Deny", "Action": CATALOG_ACTIONS}
    page = _open(client, {"Version": "5.0", "Statement": [statement] * 50})

    response = resubmit(client, page)

    assert response.status_code == 200


# -- user text is escaped everywhere --------------------------------------------------------------

HOSTILE_FORM = {
    "name": MARK,
    "description": ATTR_BREAK,
    "statement_count": "1",
    "s0-sid": MARK,
    "s0-effect": ATTR_BREAK,
    "s0-patterns": f"{MARK}\n{ATTR_BREAK}",
    "s0-resource_mode": "specific",
    "s0-resources": f"{MARK}\n{ATTR_BREAK}",
    "s0-service": ATTR_BREAK,
    "s0-condition_count": "1",
    "s0-c0-key": MARK,
    "s0-c0-qualifier": ATTR_BREAK,
    "s0-c0-operator": MARK,
    "s0-c0-values": f"{MARK}\n{ATTR_BREAK}",
    "ctx_region": MARK,
    "ctx_account": ATTR_BREAK,
    "ctx_rid_image": MARK,
    "ctx_keys": f"{MARK}=1\n{ATTR_BREAK}",
    "preview_filter": ATTR_BREAK,
    "builder-region": MARK,
}
HOSTILE_JSON = json.dumps(
    {
        "Version": "5.0",
        "Statement": [
            {
                "Sid": MARK,
                "Effect": ATTR_BREAK,
                "Action": [MARK, "ims:images:shar"],
                "Resource": [ATTR_BREAK],
                "Condition": {MARK: {ATTR_BREAK: MARK}},
            }
        ],
    }
)


def _assert_escaped(response: Any) -> None:
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert" in body or "&lt;img src=x" in body or "form-problem" in body


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "extra",
    [
        {"op": "check"},
        {"op": "json", "json": HOSTILE_JSON},
        {"op": "json", "json": HOSTILE_JSON + MARK},
        {"op": "json", "json": json.dumps({"Version": MARK, "Statement": []})},
        {"op": "check", "source": "json", "json": HOSTILE_JSON},
        {"op": "add-statement"},
        {"op": "add-urn-0-image", "s0-actions": "ims:images:share"},
        {"op": "refresh"},
        {"op": "minify", "source": "json", "json": HOSTILE_JSON},
        {"op": "fix-0"},
        {"op": "use-0-0"},
        {"op": "level-0-write", "s0-service": "ims"},
    ],
    ids=lambda d: d["op"] + ("-json" if "json" in d else ""),
)
def test_user_text_comes_back_escaped_in_every_response(client, extra, htmx):
    response = client.post(EDITOR, {**HOSTILE_FORM, **extra}, **(HTMX if htmx else {}))

    assert response.status_code == 200
    _assert_escaped(response)


def test_user_text_in_the_form_is_shown_as_typed_after_escaping(client):
    response = client.post(EDITOR, HOSTILE_FORM)

    page = read_page(response)
    fields = dict(page.fields)
    assert fields["name"] == MARK
    assert fields["s0-sid"] == MARK
    assert page.textareas["s0-patterns"].splitlines() == [MARK, ATTR_BREAK]


def test_choosing_another_profile_redraws_the_form_with_its_rules(client):
    fields = form_fields(client.get(EDITOR))

    scp = client.post(EDITOR, {**fields, "op": "profile", "profile": "scp"}, **HTMX)
    identity = client.post(EDITOR, {**fields, "op": "profile", "profile": "identity"}, **HTMX)

    assert 'id="workspace"' in identity.content.decode()
    assert 'id="s0-not_action"' in identity.content.decode()
    assert "only Deny" not in identity.content.decode()
    assert 'id="s0-not_action"' not in scp.content.decode()
    assert "This profile allows only Deny" in scp.content.decode()
