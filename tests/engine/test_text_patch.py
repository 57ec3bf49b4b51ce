"""Patches applied to the text: the same document as patching the value, the rest as written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scpstudio.editor.ops import apply_patch
from scpstudio.engine.document import parse_policy
from scpstudio.engine.text_patch import TextPatchError, patch_text

WRITTEN = """{
  "Version": "5.0",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": ["IMS:Images:Share", "ims:images:list", "ims:*:list*"],
      "Resource": "*",
      "Condition": {"Bool": {"ims:Encrypted": "false"}}
    }
  ]
}"""


def test_removing_one_action_leaves_every_other_character_as_written():
    patched = patch_text(WRITTEN, "remove", "/Statement/0/Action/1")

    assert patched == WRITTEN.replace('"ims:images:list", ', "")


def test_replacing_a_value_keeps_scalars_and_order_elsewhere():
    patched = patch_text(WRITTEN, "replace", "/Statement/0/Action/0", "ims:images:share")

    assert patched == WRITTEN.replace("IMS:Images:Share", "ims:images:share")
    assert '"Resource": "*"' in patched and '"false"' in patched


def test_a_sid_added_first_leads_its_statement_on_its_own_line():
    patched = patch_text(WRITTEN, "add", "/Statement/0/Sid", "NoSharing", first=True)

    assert '{\n      "Sid": "NoSharing",\n      "Effect": "Deny",' in patched


def test_a_key_renamed_keeps_its_value_text():
    text = '{"Condition": {"StringLike": {"g:UserAgent": "a*"}}}'

    patched = patch_text(text, "move", "/Condition/StringMatch", None, "/Condition/StringLike")

    assert patched == '{"Condition": {"StringMatch": {"g:UserAgent": "a*"}}}'


def test_a_patch_that_no_longer_fits_says_so():
    with pytest.raises(TextPatchError, match="nothing at /Statement/3"):
        patch_text(WRITTEN, "remove", "/Statement/3/Action")


_scalars = st.one_of(st.text("ab*:", max_size=4), st.booleans(), st.integers(-5, 5), st.none())
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("abK", max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)
_documents = st.dictionaries(
    st.sampled_from(["Version", "Statement", "x", "y"]), _values, min_size=1, max_size=4
)


def _paths(value: Any, here: str = "") -> list[str]:
    found = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, f"{here}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, f"{here}/{i}")
    return found


@settings(max_examples=400, deadline=None)
@given(
    document=_documents,
    layout=st.sampled_from([2, None, "compact"]),
    op=st.sampled_from(["replace", "remove", "add"]),
    value=_values,
    choice=st.integers(0, 1_000),
    new_key=st.text("abz", min_size=1, max_size=2),
)
def test_a_patched_text_reads_as_the_patched_value(document, layout, op, value, choice, new_key):
    if layout == "compact":
        text = json.dumps(document, separators=(",", ":"))
    else:
        text = json.dumps(document, indent=layout)
    paths = _paths(document)
    path = paths[choice % len(paths)]
    if op == "add":
        parent = parse_policy(text).value()
        for part in path.split("/")[1:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        path = path.rsplit("/", 1)[0] + "/" + ("-" if isinstance(parent, list) else new_key)

    expected = apply_patch(document, op, path, value)
    patched = patch_text(text, op, path, value)

    result = parse_policy(patched)
    assert result.ok, patched
    assert result.value() == expected
