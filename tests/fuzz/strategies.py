"""What the fuzz suite sends: plausible policies, forms and contexts with hostile parts.

Random bytes rarely get past the first parser, so most strategies build something that
looks right (a policy with statements, actions, URNs and conditions; an editor form with
numbered fields) and put a hostile value in one of its places.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from scpstudio.engine.operators import OPERATORS
from tests.engine.conftest import load_shipped_catalog

CATALOG = load_shipped_catalog()

LONG_WILDCARD = "*" + "a" * 400 + "b"
HUGE = "a" * 40_000
HUGE_DIGITS = "9" * 5_000

# Strings that broke, or could break, something: pinned so every run tries them.
HOSTILE_STRINGS = [
    "",
    " ",
    "*",
    "?",
    "*?" * 200,
    LONG_WILDCARD,
    HUGE,
    "\ud800",
    "x\udfffy",
    "\x00",
    "a\x00b",
    "1e999",
    "-1e999",
    "-0",
    HUGE_DIGITS,
    "-" + HUGE_DIGITS,
    "0." + HUGE_DIGITS,
    "NaN",
    "Infinity",
    "null",
    "true",
    "[" * 3_000,
    '{"a":' * 1_000,
    "<script>alert(1)</script>",
    "{{ request }}{% debug %}",
    "%s%n%x",
    "../../../etc/passwd",
    "\u202e\u0301\ufeff",
    "İı" * 50,
    "ß" * 100,
    "\U0001f600",
    "\r\n\r\n",
    "\t\v\f",
    "::::::::",
    "ims:" + ":" * 100,
    "ims:images:*",
    "ims:*:*:image:*",
    "ims:*:*:image:" + LONG_WILDCARD,
    "g:RequestTag/<tag-key>",
    "10.0.0.0/33",
    "::ffff:1.2.3.4/129",
    "2026-13-45T99:99:99Z",
    "9999-12-31T23:59:59+99:99",
    "a=" * 500,
    "," * 2_000,
    "\n" * 2_000,
]

ACTIONS = [
    "ims:images:get",
    "ims:images:share",
    "ims:images:list",
    "ims:images:create",
    "ims:*:*",
    "ims:images:*",
    "ims:images:list*",
    "IMS:Images:Get",
    "*:images:get",
    "ims:*:*Image",
    "obs:object:GetObject",
    "*",
    "*:*:*",
    "ims:images",
]
RESOURCES = [
    "*",
    "ims:*:*:image:*",
    "ims:cn-north-4:0a1b*:image:*",
    "ims:cn_north_4:*:image:*",
    "ims:*:*:image:img-?",
    "ims:*::image:*",
    "obs:*:*:bucket:*",
    "cdn::123:domain:x",
]
KEYS = [
    "g:UserAgent",
    "g:SourceIp",
    "g:TagKeys",
    "g:MFAAge",
    "g:MFAPresent",
    "g:CurrentTime",
    "g:RequestTag/owner",
    "g:ResourceTag/<tag-key>",
    "g:CalledVia",
    "g:EnterpriseProjectId",
    "ims:Encrypted",
    "ims:TargetOrgPaths",
    "IMS:encrypted",
    "unknown:Key",
]
BASE_OPERATORS = sorted(OPERATORS) + ["StringLike", "DateEquals", "StringStartWith", "Nope"]
QUALIFIERS = ["", "ForAnyValue:", "ForAllValues:", "forallvalues:", "Other:"]
PROFILES = ["scp", "scp-2024", "identity"]
RESOURCE_TYPES = sorted({rt.name for rt in CATALOG.resource_types.values()})
ACCESS_LEVELS = sorted({a.access_level for a in CATALOG.actions.values()})

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=30),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_STRINGS), st.text(max_size=10)),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, float("inf"), float("-inf"), float("nan")]),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(hostile_text, children, max_size=4),
    ),
    max_leaves=12,
)


def _one_or_list(items: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(items, st.lists(items, max_size=4))


def _maybe_hostile(plausible: list[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, sometimes a hostile string or any JSON value."""
    return st.one_of(
        st.sampled_from(plausible), st.sampled_from(plausible), hostile_text, json_values
    )


operators = st.builds(
    lambda q, base, if_exists: q + base + ("IfExists" if if_exists else ""),
    st.sampled_from(QUALIFIERS),
    st.sampled_from(BASE_OPERATORS),
    st.booleans(),
)
condition_values = _one_or_list(
    st.one_of(
        hostile_text,
        st.sampled_from(["true", "false", "10.0.0.0/8", "2026-01-01T00:00:00Z", "5", "*"]),
        st.integers(),
        st.booleans(),
        json_values,
    )
)
conditions = st.dictionaries(
    st.one_of(operators, hostile_text),
    st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), hostile_text), condition_values, max_size=3
        ),
        json_values,
    ),
    max_size=3,
)


@st.composite
def statements(draw: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if draw(st.booleans()):
        statement["Sid"] = draw(_maybe_hostile(["Deny1", "s 1", ""]))
    statement["Effect"] = draw(_maybe_hostile(["Deny", "Allow", "deny"]))
    action_element = draw(st.sampled_from(["Action", "NotAction", "Action", "Actions"]))
    statement[action_element] = draw(_one_or_list(_maybe_hostile(ACTIONS)))
    if draw(st.booleans()):
        element = draw(st.sampled_from(["Resource", "NotResource"]))
        statement[element] = draw(_one_or_list(_maybe_hostile(RESOURCES)))
    if draw(st.booleans()):
        statement["Condition"] = draw(conditions)
    if not draw(st.integers(0, 9)):
        statement[draw(hostile_text)] = draw(json_values)
    return statement


@st.composite
def policies(draw: Any) -> dict[str, Any]:
    """A policy document as a decoded value: the right shape, with hostile parts."""
    document: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        document["Version"] = draw(_maybe_hostile(["5.0", "5.0", "1.1", 5.0]))
    if draw(st.integers(0, 9)):
        items = st.lists(statements(), min_size=0, max_size=4)
        document["Statement"] = draw(st.one_of(items, items, statements(), json_values))
    if not draw(st.integers(0, 9)):
        document[draw(hostile_text)] = draw(json_values)
    return document


def _literal_mutations(text: str, draw: Any) -> str:
    """JSON text with one literal no `json.dumps` writes: 1e999, -0, 5,000 digits, deep
    nesting, a duplicate key, a cut, a lone surrogate escape."""
    literal = draw(
        st.sampled_from(
            [
                "1e999",
                "-1e999",
                "-0",
                "-0.0",
                HUGE_DIGITS,
                "0." + HUGE_DIGITS,
                "[" * 5_000 + "]" * 5_000,
                '{"a":' * 2_000 + "1" + "}" * 2_000,
                '"\\ud800"',
                '"\\u0000"',
                "NaN",
                "Infinity",
                "tru",
            ]
        )
    )
    spots = [i for i, ch in enumerate(text) if ch in ",:[{"]
    if not spots:
        return literal
    at = draw(st.sampled_from(spots)) + 1
    how = draw(st.sampled_from(["insert", "replace-next-value", "cut", "duplicate"]))
    if how == "cut":
        return text[:at]
    if how == "duplicate":
        return text[:at] + '"Effect":"Allow",' + text[at:] if text[at - 1] == "{" else text
    if how == "replace-next-value":
        end = at
        while end < len(text) and text[end] not in ",]}":
            end += 1
        return text[:at] + literal + text[end:]
    return text[:at] + literal + text[at:]


@st.composite
def policy_texts(draw: Any) -> str:
    """Policy JSON text: written out plainly or prettily, sometimes with a hostile literal."""
    document = draw(policies())
    try:
        text = json.dumps(document, indent=draw(st.sampled_from([None, 2])), allow_nan=True)
    except ValueError:  # an integer past Python's digit limit: write it ourselves
        text = json.dumps(str(document))
    if draw(st.booleans()):
        text = _literal_mutations(text, draw)
    return text


any_policy = st.one_of(
    policies(),
    policy_texts(),
    json_values,
    st.text(max_size=200),
    st.sampled_from(HOSTILE_STRINGS),
)


@st.composite
def contexts(draw: Any) -> Any:
    """A preview context: the documented object, with many or hostile keys and values."""
    if not draw(st.integers(0, 14)):
        return draw(json_values)
    context: dict[str, Any] = {}
    if draw(st.booleans()):
        context["region"] = draw(_maybe_hostile(["cn-north-4", "cn_north_4", None]))
    if draw(st.booleans()):
        context["account_id"] = draw(_maybe_hostile(["0a1b", "", None]))
    if draw(st.booleans()):
        context["resource_ids"] = draw(
            st.dictionaries(
                st.one_of(st.sampled_from(RESOURCE_TYPES), hostile_text),
                st.one_of(hostile_text, hostile_text, json_values),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        many = draw(st.integers(1, 500)) if not draw(st.integers(0, 4)) else 1
        value_lists = st.one_of(
            st.lists(st.one_of(hostile_text, json_scalars), max_size=4),
            st.builds(lambda v, n: [f"{v}{i}" for i in range(n)], hostile_text, st.just(many)),
            json_values,
        )
        context["keys"] = draw(
            st.dictionaries(st.one_of(st.sampled_from(KEYS), hostile_text), value_lists, max_size=4)
        )
        if draw(st.integers(0, 3)) == 0:
            context["keys"].update({f"g:RequestTag/k{i}": [str(i)] for i in range(many)})
    if not draw(st.integers(0, 9)):
        context[draw(hostile_text)] = draw(json_values)
    return context


# -- the known hostile cases of issue #8 ---------------------------------------------------------


def deny(condition: dict[str, Any] | None = None, resource: Any = "*") -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Deny",
        "Action": ["ims:images:share", "ims:images:get"],
        "Resource": resource,
    }
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "5.0", "Statement": [statement]}


WILDCARD_VS_HUGE_USER_AGENT = (
    deny({"StringMatch": {"g:UserAgent": [LONG_WILDCARD]}}),
    {"keys": {"g:UserAgent": [HUGE]}},
)
THOUSAND_CIDRS_VS_THOUSAND_IPS = (
    deny({"IpAddress": {"g:SourceIp": [f"10.{i // 250}.{i % 250}.0/24" for i in range(1_000)]}}),
    {"keys": {"g:SourceIp": [f"11.{i // 250}.{i % 250}.1" for i in range(1_000)]}},
)
EIGHT_THOUSAND_SQUARED = (
    deny({"ForAllValues:StringEquals": {"g:TagKeys": [f"p{i}" for i in range(8_000)]}}),
    {"keys": {"g:TagKeys": [f"r{i}" for i in range(8_000)]}},
)
EIGHT_THOUSAND_SQUARED_PLAIN = (
    deny({"StringEquals": {"g:UserAgent": [f"p{i}" for i in range(8_000)]}}),
    {"keys": {"g:UserAgent": [f"r{i}" for i in range(8_000)]}},
)
PATTERN_VS_HUGE_IMAGE_ID = (
    deny(resource=["ims:*:*:image:" + LONG_WILDCARD]),
    {"resource_ids": {"image": HUGE}},
)
INFINITE_NUMBER_TEXT = (
    '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share",'
    ' "Condition": {"NumberEquals": {"g:MFAAge": 1e999}}}]}'
)
KNOWN_HOSTILE_PREVIEWS = [
    WILDCARD_VS_HUGE_USER_AGENT,
    THOUSAND_CIDRS_VS_THOUSAND_IPS,
    EIGHT_THOUSAND_SQUARED,
    EIGHT_THOUSAND_SQUARED_PLAIN,
    PATTERN_VS_HUGE_IMAGE_ID,
    (INFINITE_NUMBER_TEXT, None),
]


def context_lines(context: Any) -> str:
    """A context as the editor's panel takes it: `key=value,value` per line."""
    keys = context.get("keys", {}) if isinstance(context, dict) else {}
    return "\n".join(f"{k}={','.join(map(str, v))}" for k, v in keys.items())
