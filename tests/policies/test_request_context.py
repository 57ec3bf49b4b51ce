"""The request context typed into a panel (the editor's, the compare page's): one reader,
always within the engine's limits, a sentence for each line it leaves out or cuts."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.limits import MAX_CONTEXT_CHARS, MAX_CONTEXT_VALUES
from scpstudio.policies.request_context import context_in_words, read_context, read_panel

pytestmark = pytest.mark.django_db


def _read(**fields: str):
    data = QueryDict(mutable=True)
    data.update(fields)
    return read_context(data, ["image"], catalog_snapshot())


def test_a_key_with_nothing_after_the_equals_sign_is_absent_from_the_request():
    context, problems = _read(ctx_keys="ims:TargetOrgPaths=\ng:MFAPresent=true")

    assert dict(context.keys) == {"ims:TargetOrgPaths": [], "g:MFAPresent": ["true"]}
    assert problems == []
    assert context_in_words(context) == "ims:TargetOrgPaths absent; g:MFAPresent = true"


def test_more_values_than_the_engine_reads_are_cut_with_a_sentence():
    line = "g:TagKeys=" + ",".join(f"k{i}" for i in range(MAX_CONTEXT_VALUES + 20))

    context, problems = _read(ctx_keys=line)

    assert len(context.keys["g:TagKeys"]) == MAX_CONTEXT_VALUES
    assert problems == [f"Context line 1: Only the first {MAX_CONTEXT_VALUES} values are read."]


def test_a_key_longer_than_any_key_is_left_out_with_a_sentence():
    context, problems = _read(ctx_keys="k" * (MAX_CONTEXT_CHARS + 1) + "=1")

    assert dict(context.keys) == {}
    assert problems[0].startswith("Context line 1: the key is longer than 1,024 characters")


def test_full_access_is_on_unless_the_shown_box_was_left_unticked():
    catalog = catalog_snapshot()

    assert read_panel(QueryDict(""), catalog).full_access
    assert read_panel(QueryDict("full_access_shown=1&full_access=1"), catalog).full_access
    assert not read_panel(QueryDict("full_access_shown=1"), catalog).full_access


_FIELDS = st.dictionaries(
    st.sampled_from(["ctx_keys", "ctx_region", "ctx_account", "ctx_rid_image"]),
    st.one_of(
        st.text(max_size=60),
        st.builds(
            lambda key, n, size: f"{key}=" + ",".join(["v" * size] * n),
            st.sampled_from(["g:TagKeys", "ims:Encrypted", "x" * 1100, ""]),
            st.integers(0, 130),
            st.sampled_from([1, 1025]),
        ),
        st.builds("\n".join, st.lists(st.sampled_from(["a=1", "", "=", "b"]), max_size=60)),
    ),
)


@settings(max_examples=60, deadline=None)
@given(fields=_FIELDS)
def test_whatever_is_typed_the_context_read_is_one_the_engine_accepts(fields):
    context, _ = _read(**fields)

    context.check_limits()  # raises EngineInputError past a limit
