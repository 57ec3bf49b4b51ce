import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scpstudio.engine.document import (
    MAX_DEPTH,
    JsonArray,
    JsonObject,
    JsonScalar,
    ParseResult,
    parse_policy,
    to_minified,
    to_pretty,
)
from scpstudio.engine.findings import Code, Position

TEXT = """{
  "Version": "5.0",
  "Statement": [
    {"Effect": "Deny", "Action": ["ims:images:get"]}
  ]
}"""


def test_every_element_keeps_its_span():
    parsed = parse_policy(TEXT)

    root = parsed.root
    assert isinstance(root, JsonObject)
    statement = root.get("Statement")
    assert statement is not None
    first = statement.value
    assert isinstance(first, JsonArray)
    obj = first.items[0]
    assert isinstance(obj, JsonObject)
    action = obj.get("Action")
    assert action is not None
    item = action.value
    assert isinstance(item, JsonArray)
    span = parsed.span_of(item.items[0])

    assert span is not None
    assert (span.start.line, span.start.column) == (4, 35)
    assert TEXT[span.start.offset : span.end.offset] == '"ims:images:get"'
    assert (span.end.line, span.end.column) == (4, 51)


def test_member_span_covers_the_key():
    parsed = parse_policy(TEXT)

    assert isinstance(parsed.root, JsonObject)
    version = parsed.root.get("Version")
    span = parsed.span_of(version)

    assert span is not None
    assert TEXT[span.start.offset : span.end.offset] == '"Version"'
    assert (span.start.line, span.start.column) == (2, 3)


def test_syntax_error_reports_line_and_column():
    text = '{\n  "Version": "5.0",\n  "Statement": [\n    {"Effect": "Deny" "Action": "x"}\n  ]\n}'

    parsed = parse_policy(text)

    assert parsed.root is None
    assert parsed.error is not None
    assert parsed.error.code is Code.JSON_SYNTAX_ERROR
    assert parsed.error.span is not None
    assert (parsed.error.span.start.line, parsed.error.span.start.column) == (4, 23)
    assert "line 4, column 23" in parsed.error.message


def test_nan_is_not_json():
    parsed = parse_policy('{"Version": NaN}')

    assert parsed.error is not None
    assert parsed.error.span is not None
    assert parsed.error.span.start.column == 13


def test_trailing_garbage_is_an_error_near_miss_is_whitespace():
    assert parse_policy('{"a": 1} x').error is not None
    assert parse_policy('{"a": 1} \n\t').error is None


def test_deep_nesting_is_an_error_not_a_crash():
    deep = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    shallow = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)

    assert parse_policy(deep).error is not None
    assert parse_policy(shallow).error is None
    assert parse_policy("[" * 100_000).error is not None


def test_duplicate_keys_are_detected_and_last_wins_in_the_value():
    parsed = parse_policy('{"a": 1, "b": 2, "a": 3}')

    assert parsed.has_duplicates
    assert isinstance(parsed.root, JsonObject)
    assert [m.key for m in parsed.root.duplicates()] == ["a"]
    assert parsed.value() == {"a": 3, "b": 2}


def test_no_duplicates_near_miss_keys_differ_in_case():
    parsed = parse_policy('{"a": 1, "A": 3}')

    assert not parsed.has_duplicates


def test_numbers_and_literals_decode_like_json():
    text = '[1, -2.5, 3e2, true, false, null, "a\\u00e9\\n"]'

    assert parse_policy(text).value() == json.loads(text)


def test_decoded_value_parses_without_spans():
    parsed = parse_policy({"Version": "5.0", "Statement": ({"Effect": "Deny"},)})

    assert parsed.error is None
    assert parsed.value() == {"Version": "5.0", "Statement": [{"Effect": "Deny"}]}
    assert parsed.span_of(parsed.root) is None


def test_decoded_value_that_is_not_json_is_an_error():
    parsed = parse_policy({"Version": {1, 2}})

    assert parsed.error is not None
    assert parsed.error.code is Code.JSON_SYNTAX_ERROR


def test_pretty_is_canonical_and_round_trips():
    value = {"Statement": [{"Action": "ims:images:get", "Effect": "Deny"}], "Version": "5.0"}

    pretty = to_pretty(value)

    assert pretty.index('"Version"') < pretty.index('"Statement"')
    assert pretty.index('"Effect"') < pretty.index('"Action"')
    assert parse_policy(pretty).value() == value
    assert to_pretty(parse_policy(pretty).value()) == pretty


def test_minified_has_no_insignificant_whitespace():
    value = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "a b"}]}

    assert to_minified(value) == '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"a b"}]}'


def test_bytes_are_decoded_as_utf8():
    parsed = parse_policy('{"Sid": "é"}'.encode())

    assert isinstance(parsed.root, JsonObject)
    sid = parsed.root.get("Sid")
    assert sid is not None and isinstance(sid.value, JsonScalar)
    assert sid.value.value == "é"


def test_huge_number_is_a_syntax_error_not_a_crash():
    text_result = parse_policy('{"Version": ' + "1" * 5000 + "}")
    value_result = parse_policy({"Version": 10**5000})

    assert text_result.error is not None
    assert text_result.error.span is not None and text_result.error.span.start.column == 13
    assert value_result.error is not None
    assert parse_policy('{"Version": ' + "1" * 300 + "}").error is None


def test_parse_result_json_form():
    good = parse_policy('{"Version": "5.0"}').to_json()
    bad = parse_policy('{"Version": ').to_json()

    assert good == {"ok": True, "error": None, "value": {"Version": "5.0"}}
    assert bad["ok"] is False and bad["value"] is None
    assert bad["error"]["code"] == "JSON_SYNTAX_ERROR"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab\n", max_size=60),
    st.lists(st.integers(min_value=0, max_value=60), max_size=80),
)
def test_every_place_asked_is_on_its_line_and_column_in_any_order(text, offsets):
    # The first places are counted from the last one asked, the rest looked up in the
    # listed line starts (ParseResult.position): both give the line and column of each.
    parsed = ParseResult(None, text)
    for offset in offsets:
        offset = min(offset, len(text))
        before = text[:offset]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        assert parsed.position(offset) == Position(line, column, offset)
