"""scp_diff: the APIs some request treats differently between two policy files, which way
and a witness request, in text and JSON, and its exit status for each --fail-on direction
(the exact check) and for input it cannot read."""

from __future__ import annotations

import json

import pytest

from scpstudio.engine.limits import MAX_POLICY_CHARS
from tests.policies.commands import run
from tests.policies.library import (
    SHARE_API,
    SHARE_GUARD,
    SHARE_GUARD_WITH_DEV,
    deny,
    policy_text,
    share_guard,
)

pytestmark = pytest.mark.django_db

GET_APIS = {"GET /v2/images/{image_id}", "PUT /v2/images/{image_id}/file"}
ONE_ACCOUNT = {"Condition": {"StringEquals": {"g:PrincipalAccount": ["012345678901"]}}}
POLICIES = {
    "share": policy_text(deny("ims:images:share")),
    # the same policy written differently: no outcome changes
    "share-again": json.dumps(json.loads(policy_text(deny("ims:images:share")))),
    "get": policy_text(deny("ims:images:share"), deny("ims:images:get", Sid="NoGet")),
    # a Deny of get that depends on the request: conditional until the context says
    "get-if": policy_text(deny("ims:images:share"), deny("ims:images:get", **ONE_ACCOUNT)),
    "only-get": policy_text(deny("ims:images:get")),
    "allow-get-if": policy_text(
        {"Effect": "Allow", "Action": "ims:images:get", "Resource": "*", **ONE_ACCOUNT}
    ),
    "allow-get-if-deny-other": policy_text(
        {"Effect": "Allow", "Action": "ims:images:get", "Resource": "*", **ONE_ACCOUNT},
        deny("ims:images:get", Condition={"StringEquals": {"g:PrincipalAccount": ["9" * 12]}}),
    ),
    # issue 17's example: version 2 lets images be shared into ou-dev too
    "guard": SHARE_GUARD,
    "guard-dev": SHARE_GUARD_WITH_DEV,
    # the same meaning as "guard-dev": values reordered, one repeated, laid out otherwise
    "guard-dev-again": json.dumps(
        json.loads(
            share_guard(
                "o-abc123/r-xyz/ou-dev/*", "o-abc123/r-xyz/ou-prod/*", "o-abc123/r-xyz/ou-dev/*"
            )
        )
    ),
}


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in POLICIES.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def diff(files, old: str, new: str, *options: str):
    return run("scp_diff", files[old], files[new], *options)


# -- --fail-on -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, options, code",
    [
        ("share", "get", [], 0),  # nothing asked: report only
        ("share", "get", ["--fail-on", "newly-denied"], 1),
        ("get", "share", ["--fail-on", "newly-denied"], 0),
        ("get", "share", ["--fail-on", "newly-allowed"], 1),
        ("share", "get", ["--fail-on", "newly-allowed"], 0),
        ("share", "get", ["--fail-on", "any"], 1),
        ("share", "share-again", ["--fail-on", "any"], 0),
        # allowed -> conditional: a request that went through may now be refused
        ("share", "get-if", ["--fail-on", "newly-denied"], 1),
        ("share", "get-if", ["--fail-on", "newly-allowed"], 0),
        ("get-if", "share", ["--fail-on", "newly-allowed"], 1),
        # conditional before and after, yet a request into ou-dev now goes through
        ("guard", "guard-dev", ["--fail-on", "newly-allowed"], 1),
        ("guard", "guard-dev", ["--fail-on", "newly-denied"], 0),
        ("guard-dev", "guard", ["--fail-on", "newly-denied"], 1),
        ("guard-dev", "guard", ["--fail-on", "newly-allowed"], 0),
        # a rewrite with the same meaning: no request differs
        ("guard-dev", "guard-dev-again", ["--fail-on", "newly-allowed"], 0),
        ("guard-dev", "guard-dev-again", ["--fail-on", "any"], 0),
    ],
)
def test_exit_status_follows_the_direction_asked(files, old, new, options, code):
    status, _, err = diff(files, old, new, *options)

    assert (status, err) == (code, "")


@pytest.mark.parametrize("direction, code", [("newly-denied", 0), ("newly-allowed", 0), ("any", 1)])
def test_denied_becoming_not_allowed_is_a_change_in_neither_direction(files, direction, code):
    # Without FullAccess, what no statement allows is "not allowed": the APIs needing get
    # go from denied to not allowed, a refusal either way.
    status, out, _ = diff(
        files, "only-get", "share", "--no-full-access", "--fail-on", direction, "--format", "json"
    )

    moved = {(api["before"], api["after"]) for api in json.loads(out)["apis"]}
    assert moved == {("denied", "not_allowed")}
    assert status == code


@pytest.mark.parametrize("direction, code", [("newly-denied", 0), ("newly-allowed", 0), ("any", 1)])
def test_a_conditional_outcome_that_can_only_be_refused_is_no_newly_allowed(files, direction, code):
    # Without FullAccess, a conditional Deny of get added to an Allow of get only: the
    # upload APIs (which also need upload, allowed by nothing) go from not allowed to
    # "denied or not allowed", still a refusal; getting an image gains "denied" among its
    # possible results but stays conditional.
    status, out, _ = diff(
        files, "allow-get-if", "allow-get-if-deny-other", "--no-full-access", "--fail-on",
        direction,
    )  # fmt: skip

    assert "not_allowed -> conditional" in out
    assert (
        "conditional (not_allowed or allowed) -> conditional (denied or not_allowed or allowed)"
        in out
    )
    assert status == code


def test_a_context_that_settles_the_condition_changes_the_answer(files):
    settled = json.dumps({"keys": {"g:PrincipalAccount": ["999999999999"]}})

    status, out, _ = diff(files, "share", "get-if", "--context", settled, "--fail-on", "any")

    assert (status, out) == (
        0,
        "No request is treated differently by the two versions under the context given.\n",
    )


def test_a_context_outside_the_new_ou_passes_the_newly_allowed_check(files):
    outside = json.dumps({"keys": {"ims:TargetOrgPaths": ["o-abc123/r-xyz/ou-test/acc1"]}})

    status, out, _ = diff(
        files, "guard", "guard-dev", "--context", outside, "--fail-on", "newly-allowed"
    )

    assert status == 0
    assert out.startswith("No request is treated differently")


def test_an_api_not_decided_within_the_budget_fails_the_check_and_says_so(files):
    status, out, _ = diff(
        files, "guard", "guard-dev", "--budget-ms", "0", "--fail-on", "newly-allowed"
    )

    assert status == 1  # not proved unchanged: a pipeline's guard does not pass it
    first, why, last = out.splitlines()
    assert first.startswith(f"{SHARE_API}  conditional -> conditional  undecided")
    assert why == (f"    sharing images ({SHARE_API}): not decided: the diff's 0 ms were spent")
    assert last == "1 API(s) treat some request differently: 1 not decided."


def test_an_undecided_api_in_json_has_no_witness(files):
    _, out, _ = diff(files, "guard", "guard-dev", "--budget-ms", "0", "--format", "json")

    (share,) = json.loads(out)["apis"]
    assert (share["change"], share["witness"]) == ("undecided", None)


@pytest.mark.parametrize("budget", ["-1", "60001", "1e3", "ten", "\x00"])
def test_a_budget_that_is_not_a_number_of_milliseconds_exits_2(files, budget):
    status, out, err = diff(files, "guard", "guard-dev", "--budget-ms", budget)

    assert (status, out) == (2, "")
    assert "--budget-ms takes a whole number of milliseconds from 0 to 60,000" in err


def test_the_context_can_be_read_from_a_file(files, tmp_path):
    path = tmp_path / "context.json"
    path.write_text(
        json.dumps({"keys": {"g:PrincipalAccount": ["012345678901"]}}), encoding="utf-8"
    )

    status, out, _ = diff(files, "share", "get-if", "--context", f"@{path}", "--format", "json")

    assert status == 0
    assert {api["after"] for api in json.loads(out)["apis"]} == {"denied"}


# -- formats ---------------------------------------------------------------------------------


def test_text_names_each_api_its_outcomes_and_the_deciding_statement(files):
    _, out, _ = diff(files, "share", "get")

    lines = out.splitlines()
    get = next(line for line in lines if line.startswith("GET /v2/images/{image_id} "))
    assert "allowed -> denied  newly denied" in get
    assert f'ims:images:get: statement "NoGet" (in {files["get"]})' in get
    listed = [line for line in lines if line[:1] not in (" ", "")][:-1]
    assert (
        lines[-1]
        == f"{len(listed)} API(s) treat some request differently: {len(listed)} newly denied."
    )


def test_text_says_the_direction_and_the_witness_in_words(files):
    _, out, _ = diff(files, "guard", "guard-dev")

    first, words, context, last = out.splitlines()
    assert first.startswith(f"{SHARE_API}  conditional -> conditional  newly allowed")
    assert words.startswith(
        f"    newly allowed: sharing images ({SHARE_API}) when ims:TargetOrgPaths is "
        "o-abc123/r-xyz/ou-dev/"
    )
    assert words.endswith("(denied before, allowed now)")
    witness = json.loads(context.removeprefix("    context: "))
    assert witness["keys"]["ims:TargetOrgPaths"][0].startswith("o-abc123/r-xyz/ou-dev/")
    assert last == "1 API(s) treat some request differently: 1 newly allowed."


def test_the_witness_printed_is_a_context_scp_preview_reads(files):
    _, out, _ = diff(files, "guard", "guard-dev", "--format", "json")
    witness = json.dumps(json.loads(out)["apis"][0]["witness"])

    outcomes = []
    for name in ("guard", "guard-dev"):
        status, shown, err = run(
            "scp_preview", "--context", witness, "--format", "json", files[name]
        )
        assert (status, err) == (0, "")
        rows = json.loads(shown)["apis"]
        outcomes.append(
            next(r["outcome"] for r in rows if f"{r['method']} {r['path']}" == SHARE_API)
        )

    assert outcomes == ["denied", "allowed"]


def test_text_says_when_nothing_changes(files):
    status, out, _ = diff(files, "share", "share-again")

    assert (status, out) == (0, "No request is treated differently by the two versions.\n")


def test_json_lists_each_api_with_its_outcomes_change_witness_and_decided_by(files):
    _, out, _ = diff(files, "get", "share", "--format", "json")

    data = json.loads(out)
    assert list(data) == ["apis"]
    apis = {f"{a['method']} {a['path']}": a for a in data["apis"]}
    assert set(apis) >= GET_APIS
    get = apis["GET /v2/images/{image_id}"]
    assert list(get) == ["method", "path", "before", "after", "change", "witness", "decided_by"]
    assert (get["before"], get["after"], get["change"]) == ("denied", "allowed", "newly_allowed")
    assert get["witness"] == {"region": None, "account_id": None, "resource_ids": {}, "keys": {}}
    assert get["decided_by"]["sid"] == "NoGet" and get["decided_by"]["side"] == "before"


def test_json_of_no_change_is_an_empty_list(files):
    _, out, _ = diff(files, "share", "share-again", "--format", "json")

    assert json.loads(out) == {"apis": []}


def test_one_side_can_come_from_standard_input(files, monkeypatch):
    status, out, _ = run(
        "scp_diff",
        files["share"],
        "-",
        "--fail-on",
        "newly-denied",
        stdin=POLICIES["get"].encode(),
        monkeypatch=monkeypatch,
    )

    assert status == 1
    assert "(in -)" in out


# -- input that cannot be read ---------------------------------------------------------------


def test_both_sides_from_standard_input_is_refused(files):
    status, out, err = run("scp_diff", "-", "-")

    assert (status, out) == (2, "")
    assert "only one of OLD and NEW can be -" in err


@pytest.mark.parametrize(
    "content, sentence",
    [
        (None, "cannot read NEW"),
        ('{"Version": "5.0", "Statement": [', "NEW ("),
        (b"\xff\xfe", "not UTF-8"),
        (
            '{"Version": "5.0", "Statement": [], "Sid": "' + "x" * MAX_POLICY_CHARS + '"}',
            "past a limit",
        ),
    ],
)
def test_a_policy_that_cannot_be_read_exits_2_with_a_sentence(files, tmp_path, content, sentence):
    path = tmp_path / "new.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    status, out, err = run("scp_diff", files["share"], str(path), "--fail-on", "any")

    assert (status, out) == (2, "")
    assert sentence in err


@pytest.mark.parametrize(
    "context, sentence",
    [
        ("{not json", "cannot read the context"),
        ("", "cannot read the context: it is empty"),
        ('{"colour": "blue"}', "the context is not usable: Unknown context field(s): colour"),
        ("@/no/such/context.json", "cannot read the context /no/such/context.json: no such file"),
    ],
)
def test_a_context_that_cannot_be_used_exits_2_with_a_sentence(files, context, sentence):
    status, out, err = diff(files, "share", "get", "--context", context, "--fail-on", "any")

    assert (status, out) == (2, "")
    assert sentence in err
