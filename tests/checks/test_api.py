"""The policy REST API (validate, preview) against the shipped IMS catalog.

Every answer is JSON: the engine's own for a policy, `{"error", "field"}` for a request that
is wrong itself. Whatever the body, the status is below 500.
"""

from __future__ import annotations

import contextlib
import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

VALIDATE = "checks-api:validate"
PREVIEW = "checks-api:preview"
BOTH = pytest.mark.parametrize("url_name", [VALIDATE, PREVIEW])


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "5.0", "Statement": list(statements)}


def _deny(action: Any = "ims:images:share", **elements: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": "*", **elements}


def _post(client, url_name: str, body: Any, **kwargs) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(reverse(url_name), data, content_type="application/json", **kwargs)


def _ok(client, url_name: str, body: Any) -> dict[str, Any]:
    response = _post(client, url_name, body)
    assert response.status_code == 200, response.content
    return response.json()


def _error(response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "field"}
    assert body["error"].endswith(".")
    return body


def _codes(answer: dict[str, Any]) -> list[str]:
    return [f["code"] for f in answer["findings"]]


def _errors(answer: dict[str, Any]) -> list[str]:
    return [f["code"] for f in answer["findings"] if f["severity"] == "error"]


# -- validate ------------------------------------------------------------------------------


def test_valid_deny_policy_has_no_findings(client):
    answer = _ok(client, VALIDATE, {"document": _policy(_deny())})

    assert _errors(answer) == []
    assert set(answer) == {"findings", "size"}
    assert answer["size"]["limit"] == 5120


def test_unknown_action_is_invalid_action_at_its_place_in_the_text(client):
    text = json.dumps(_policy(_deny("ims:images:shareAll")), indent=2)

    answer = _ok(client, VALIDATE, {"document": text})

    [finding] = [f for f in answer["findings"] if f["code"] == "INVALID_ACTION"]
    assert finding["severity"] == "error"
    assert finding["path"] == "/Statement/0/Action"
    start, end = finding["span"]["start"]["offset"], finding["span"]["end"]["offset"]
    assert text[start:end] == '"ims:images:shareAll"'
    assert "ims:images:share" in finding["suggestions"]


def test_text_and_object_documents_find_the_same_problems(client):
    document = _policy(_deny("ims:images:shareAll"), {"Effect": "Allow", "Action": "ims:*"})

    as_text = _ok(client, VALIDATE, {"document": json.dumps(document)})
    as_value = _ok(client, VALIDATE, {"document": document})

    assert _codes(as_text) == _codes(as_value)
    assert all(f["span"] is not None for f in as_text["findings"])
    assert as_text["size"]["minified_characters"] == as_value["size"]["minified_characters"]


def test_text_document_with_a_syntax_error_is_a_finding_not_a_request_error(client):
    answer = _ok(client, VALIDATE, {"document": '{"Version": "5.0",'})

    assert _codes(answer) == ["JSON_SYNTAX_ERROR"]
    assert answer["size"]["minified_characters"] is None


@pytest.mark.parametrize(
    ("profile", "valid"), [("scp", False), ("scp-2024", True), ("identity", True)]
)
def test_profile_decides_whether_an_allow_statement_is_an_error(client, profile, valid):
    document = _policy({"Effect": "Allow", "Action": "ims:images:get", "Resource": "*"})

    answer = _ok(client, VALIDATE, {"document": document, "profile": profile})

    assert (_errors(answer) == []) is valid
    assert ("SCP_ALLOW_NOT_SUPPORTED" in _codes(answer)) is not valid


# -- preview -------------------------------------------------------------------------------


def test_denying_image_sharing_denies_one_api_of_29(client):
    answer = _ok(client, PREVIEW, {"document": _policy(_deny("ims:images:share"))})

    assert answer["summary"]["apis"] == 29
    assert answer["summary"]["denied"] == 1
    assert len(answer["apis"]) == 29
    [denied] = [a for a in answer["apis"] if a["outcome"] == "denied"]
    assert denied["decided_by"]["action"] == "ims:images:share"


def test_context_turns_a_conditional_deny_into_a_definite_one(client):
    statement = _deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "false"}})
    body = {"document": _policy(statement)}

    unknown = _ok(client, PREVIEW, body)
    known = _ok(client, PREVIEW, {**body, "context": {"keys": {"ims:Encrypted": ["false"]}}})

    assert unknown["summary"]["denied"] == 0
    assert unknown["summary"]["conditional"] >= 1
    assert known["summary"]["conditional"] == 0
    assert known["summary"]["denied"] == unknown["summary"]["conditional"]


def test_scp_without_full_access_allows_nothing(client):
    answer = _ok(client, PREVIEW, {"document": _policy(_deny()), "full_access": False})

    assert answer["summary"]["allowed"] == 0
    assert answer["summary"]["not_allowed"] == 28


def test_preview_of_a_broken_document_says_so_instead_of_listing_apis(client):
    answer = _ok(client, PREVIEW, {"document": "{not json"})

    assert answer["summary"]["apis"] == 0
    assert answer["apis"] == []
    assert answer["problem"].startswith("The policy is not valid JSON: Expecting property name")
    assert answer["problem"].endswith("Nothing was previewed.")


# -- the same JSON as the command line --------------------------------------------------------


def _cli_json(tmp_path, name: str, document: str, *args: str) -> Any:
    path = tmp_path / "policy.json"
    path.write_text(document, encoding="utf-8")
    out = StringIO()
    with contextlib.suppress(SystemExit):  # a linter's exit status says if it found errors
        call_command(name, str(path), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


CLI_DOCUMENT = json.dumps(
    _policy(
        _deny("ims:images:shareAll"),
        _deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": "false"}}),
        {"Effect": "Allow", "Action": "ims:images:get"},
    ),
    indent=2,
)


@pytest.mark.parametrize("profile", ["scp", "identity"])
def test_validate_answers_what_scp_lint_prints_for_one_file(client, tmp_path, profile):
    [printed] = _cli_json(tmp_path, "scp_lint", CLI_DOCUMENT, "--profile", profile)["files"]

    answer = _ok(client, VALIDATE, {"document": CLI_DOCUMENT, "profile": profile})

    assert answer == {key: value for key, value in printed.items() if key != "file"}


@pytest.mark.parametrize(
    ("body", "args"),
    [
        ({}, ()),
        ({"profile": "identity"}, ("--profile", "identity")),
        ({"full_access": False}, ("--no-full-access",)),
        (
            {"context": {"region": "cn-north-4", "keys": {"ims:Encrypted": ["false"]}}},
            ("--context", '{"region": "cn-north-4", "keys": {"ims:Encrypted": ["false"]}}'),
        ),
    ],
)
def test_preview_answers_what_scp_preview_prints(client, tmp_path, body, args):
    printed = _cli_json(tmp_path, "scp_preview", CLI_DOCUMENT, *args)

    answer = _ok(client, PREVIEW, {"document": CLI_DOCUMENT, **body})

    assert answer == printed


# -- requests that are wrong themselves -----------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        ("", None),
        ('{"document": NaN}', None),
        ('{"document": 1e999}', None),
        ("[]", None),
        ("null", None),
        ('"text"', None),
        ("5", None),
        ({}, "document"),
        ({"policy": {}}, "policy"),
        ({"document": {}, "profile": "scp-2099"}, "profile"),
        ({"document": {}, "profile": None}, "profile"),
        ({"document": {}, "profile": ["scp"]}, "profile"),
        ({"document": {}, "context": "eu"}, "context"),
        ({"document": {}, "context": {"regon": "x"}}, "context"),
        ({"document": {}, "context": {"keys": ["ims:Encrypted"]}}, "context"),
        ({"document": {}, "context": {"region": 5}}, "context"),
        ({"document": {}, "context": {"resource_ids": {"image": 1}}}, "context"),
        ({"document": {}, "full_access": "sometimes"}, "full_access"),
        ({"document": {}, "full_access": [True]}, "full_access"),
        ({"document": {}, "full_access": None}, "full_access"),
    ],
)
def test_request_errors_answer_400_with_a_sentence_and_the_field(client, url_name, body, field):
    response = _post(client, url_name, body)

    assert _error(response)["field"] == field


def test_unknown_profile_error_names_the_profiles(client):
    response = _post(client, VALIDATE, {"document": {}, "profile": "scp-2099"})

    assert _error(response)["error"] == "The profile must be one of: scp, scp-2024, identity."


def test_bad_context_error_is_the_engine_sentence(client):
    response = _post(client, PREVIEW, {"document": {}, "context": {"regon": "x"}})

    assert _error(response)["error"] == "Unknown context field(s): regon."


@BOTH
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "application/jsonx"],
)
def test_a_body_not_sent_as_json_answers_415(client, url_name, content_type):
    body = json.dumps({"document": {}})

    response = client.post(reverse(url_name), body, content_type=content_type)

    assert "Content-Type: application/json" in _error(response, 415)["error"]


def test_a_body_without_content_type_answers_415(client):
    response = client.generic("POST", reverse(VALIDATE), b'{"document": {}}', content_type="")

    _error(response, 415)


def test_multipart_form_answers_415(client):
    response = client.post(reverse(VALIDATE), {"document": "{}"})

    _error(response, 415)


def test_json_with_a_charset_parameter_is_read(client):
    body = json.dumps({"document": _policy(_deny())})

    response = client.post(reverse(VALIDATE), body, content_type="application/json; charset=utf-8")

    assert response.status_code == 200


def test_body_that_is_not_utf8_answers_400(client):
    response = _post(client, VALIDATE, b'{"document": "\xff\xfe\xed\xa0\x80"}')

    _error(response)


@BOTH
def test_get_answers_405_as_json(client, url_name):
    response = client.get(reverse(url_name))

    assert "GET" in _error(response, 405)["error"]


@BOTH
def test_a_body_over_the_upload_limit_answers_413_as_json(client, url_name, settings):
    body = json.dumps({"document": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = _post(client, url_name, body)

    assert "bytes" in _error(response, 413)["error"]


@BOTH
def test_deeply_nested_body_answers_400(client, url_name):
    body = '{"document": ' + "[" * 100_000 + "]" * 100_000 + "}"

    response = _post(client, url_name, body)

    assert "deeply" in _error(response)["error"]


def test_accept_header_does_not_change_the_answer(client):
    response = client.post(
        reverse(VALIDATE),
        json.dumps({"document": {}}),
        content_type="application/json",
        headers={"Accept": "text/html"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# -- hostile documents: an answer about the policy, never a server error --------------------


@BOTH
@pytest.mark.parametrize(
    "document",
    [
        None,
        0,
        -1.5,
        True,
        [],
        [[[[]]]],
        "",
        "null",
        "[" * 100_000,
        "[" * 5_000 + "]" * 5_000,
        {"Version": "5.0", "Statement": [[[[{"Effect": [[[]]]}]]]]},
        {"": {"": {"": None}}},
        {"Version": "5.0", "Statement": {"Effect": "Deny", "Action": "ims:images:share\u0000"}},
        {"Statement": [_deny("\u202eims:images:share\u200f")], "Version": "5.0"},
        {"Version": "5.0", "Statement": [_deny("ims:images:share", Sid="\ud800\udfff\ud800")]},
        '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "\\ud800"}]}',
        "\ud800" * 100,
        "\x00" * 1000,
        {"Version": "5.0", "Statement": [_deny("ims:images:share", Sid="s" * 1_000)]},
        {"Version": "5.0", "Statement": [_deny()] * 50},
        '{"Version": 1e999, "Statement": [{"Effect": "Deny", "Action": NaN}]}',
    ],
    ids=lambda d: repr(d)[:40],
)
def test_any_document_answers_200_with_json(client, url_name, document):
    response = _post(client, url_name, {"document": document})

    assert response.status_code == 200, response.content[:500]
    assert response.content.isascii()
    assert isinstance(response.json(), dict)


@BOTH
@pytest.mark.parametrize(
    ("document", "sentence"),
    [
        ("x" * 1_000_000, "The policy has 1,000,000 characters; at most 100,000 are read."),
        (
            {"Version": "5.0", "Statement": [_deny("ims:images:share", Sid="s" * 1_000_000)]},
            "/Statement/0/Sid is a string of 1,000,000 characters; at most 6,142 are read in "
            "one string.",
        ),
        (
            {"Version": "5.0", "Statement": [_deny()] * 500},
            "The policy has 500 statements; at most 198 are read, as many of the shortest "
            "statement as the largest quota (6,144 characters) holds.",
        ),
        (
            {"Version": "5.0", "Statement": [_deny([f"ims:images:x{i}" for i in range(3_100)])]},
            "The policy holds more than 3,072 values (strings, numbers, lists and objects), more "
            "than a policy of 6,144 characters, the largest quota, can hold; at most that many "
            "are read.",
        ),
    ],
    ids=["text", "string", "statements", "list"],
)
def test_a_document_past_a_limit_answers_413_naming_it(client, url_name, document, sentence):
    response = _post(client, url_name, {"document": document})

    assert response.status_code == 413
    assert response.json() == {"error": sentence, "field": "document"}


def test_text_document_with_a_huge_integer_is_a_finding(client):
    text = '{"Version": ' + "1" * 5000 + "}"

    answer = _ok(client, VALIDATE, {"document": text})

    assert _codes(answer) == ["JSON_SYNTAX_ERROR"]


def test_object_document_with_a_huge_integer_answers_400(client):
    body = '{"document": {"Version": ' + "1" * 5000 + "}}"

    response = _post(client, VALIDATE, body)

    assert _error(response)["error"] == "The body holds a number too long to read."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"document": NaN}', "The body is not valid JSON: NaN is not a JSON number."),
        ('{"document": -1e400}', "The body is not valid JSON: the number -1e400 is too large."),
        (
            '{"document": {',
            "The body is not valid JSON: Expecting property name enclosed in "
            "double quotes at line 1, column 15.",
        ),
    ],
)
def test_body_errors_say_what_is_wrong(client, body, message):
    response = _post(client, VALIDATE, body)

    assert _error(response)["error"] == message


def test_lone_surrogate_comes_back_escaped(client):
    document = {"Version": "5.0", "Statement": [_deny("ims:images:\ud800")]}

    response = _post(client, VALIDATE, {"document": document})

    assert response.status_code == 200
    assert b"\\ud800" in response.content
    assert "INVALID_ACTION_FORMAT" in _codes(response.json())


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["Version", "Statement", "Effect", "Action", "Resource", "Condition"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=json_values, as_text=st.booleans())
def test_every_json_value_gets_findings_and_a_preview(client, document, as_text):
    if as_text:
        document = json.dumps(document)

    validation = _post(client, VALIDATE, {"document": document})
    preview = _post(client, PREVIEW, {"document": document})

    assert validation.status_code == 200
    assert preview.status_code == 200
    answer = preview.json()
    # a string is the policy's text: when it is not JSON, the preview says so instead
    assert answer["summary"]["apis"] == 29 or answer["problem"].endswith("Nothing was previewed.")
    assert (answer["problem"] is None) == (answer["summary"]["apis"] == 29)


# -- CSRF: the API is for machines ----------------------------------------------------------


@BOTH
def test_anonymous_post_needs_no_csrf_token(url_name):
    client = Client(enforce_csrf_checks=True)

    response = _post(client, url_name, {"document": _policy(_deny())})

    assert response.status_code == 200


def test_signed_in_post_needs_no_csrf_token_either(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("dev", password="pw-dev-12345"))

    response = _post(client, VALIDATE, {"document": _policy(_deny())})

    assert response.status_code == 200


# -- schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "schema"), [("/api/v1/validate", "Validation"), ("/api/v1/preview", "Preview")]
)
def test_schema_documents_the_body_and_the_answers(client, path, schema):
    response = client.get(reverse("api-schema"), {"format": "json"})
    document = response.json()

    operation = document["paths"][path]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PolicyCheck"}
    responses = operation["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("ApiError")
    assert document["components"]["schemas"]["PolicyCheck"]["required"] == ["document"]
