"""scp_lint and scp_preview on files and stdin, in every format, against the shipped catalog."""

from __future__ import annotations

import io
import json
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

CLEAN = json.dumps(
    {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}, indent=2
)
BROKEN = json.dumps(
    {"Version": "5.0", "Statement": [{"Effect": "deny", "Action": "IMS:images:share"}]}, indent=2
)
SUGGESTION_ONLY = json.dumps(
    {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "IMS:images:share"}]}, indent=2
)


def run(name: str, *args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("clean", CLEAN), ("broken", BROKEN), ("suggestion", SUGGESTION_ONLY)):
        path = tmp_path / f"{name}.json"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


# -- scp_lint --------------------------------------------------------------------------------


def test_lint_clean_file_exits_zero(files):
    code, out, _ = run("scp_lint", files["clean"])

    assert code == 0
    assert "0 finding(s)" in out


def test_lint_error_exits_one_with_text_locations(files):
    code, out, _ = run("scp_lint", files["broken"])

    assert code == 1
    assert f"{files['broken']}:5:17: error INVALID_EFFECT" in out


def test_lint_json_has_the_documented_shape(files):
    code, out, _ = run("scp_lint", "--format", "json", files["clean"], files["broken"])

    data = json.loads(out)
    assert code == 1
    assert [f["file"] for f in data["files"]] == [files["clean"], files["broken"]]
    broken = data["files"][1]
    assert {f["code"] for f in broken["findings"]} >= {"INVALID_EFFECT", "ACTION_CASE"}
    assert set(broken["size"]) == {"characters", "minified_characters", "limit"}
    assert broken["size"]["limit"] == 5120


def test_lint_fail_on_threshold(files):
    assert run("scp_lint", files["suggestion"])[0] == 0
    assert run("scp_lint", "--fail-on", "suggestion", files["suggestion"])[0] == 1
    assert run("scp_lint", "--fail-on", "warning", files["suggestion"])[0] == 0


def test_lint_profile_changes_the_rules(files, tmp_path):
    path = tmp_path / "allow.json"
    path.write_text(
        json.dumps({"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": "ims:*:*"}]})
    )

    assert run("scp_lint", str(path))[0] == 1
    assert run("scp_lint", "--profile", "identity", str(path))[0] == 0


def test_lint_sarif_has_regions(files):
    code, out, _ = run("scp_lint", "--format", "sarif", files["broken"])

    sarif = json.loads(out)
    assert code == 1
    assert sarif["version"] == "2.1.0"
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "INVALID_EFFECT")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 17)


def test_lint_reads_stdin(monkeypatch):
    code, out, _ = run("scp_lint", "--format", "json", "-", stdin=BROKEN, monkeypatch=monkeypatch)

    data = json.loads(out)
    assert code == 1
    assert data["files"][0]["file"] == "-"
    assert any(f["code"] == "INVALID_EFFECT" for f in data["files"][0]["findings"])


def test_lint_unreadable_file_exits_two(files, tmp_path):
    code, out, err = run("scp_lint", files["clean"], str(tmp_path / "missing.json"))

    assert code == 2
    assert "cannot be read" in err
    assert "0 finding(s)" in out


def test_lint_syntax_error_is_a_finding_not_a_crash(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"Version": "5.0",\n "Statement": [}')

    code, out, _ = run("scp_lint", "--format", "json", str(path))

    assert code == 1
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert finding["code"] == "JSON_SYNTAX_ERROR"
    assert finding["span"]["start"]["line"] == 2


# -- scp_preview -----------------------------------------------------------------------------


def _row(data: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return next(r for r in data["apis"] if (r["method"], r["path"]) == (method, path))


def test_preview_json_has_the_documented_shape(files):
    code, out, _ = run("scp_preview", "--format", "json", files["clean"])

    data = json.loads(out)
    row = _row(data, "POST", "/v2/images/{image_id}/members")
    assert code == 0
    assert row["outcome"] == "denied"
    assert {"action", "statement", "sid"} <= set(row["decided_by"])
    assert row["decided_by"]["action"] == "ims:images:share"
    assert isinstance(row["actions"], list) and isinstance(row["conditional_links"], list)
    assert data["summary"]["apis"] == 29 and data["summary"]["denied"] == 1


def test_preview_text_lists_apis(files):
    code, out, _ = run("scp_preview", files["clean"])

    assert code == 0
    assert "POST /v2/images/{image_id}/members" in out and "denied" in out


def test_preview_context_sharpens_conditional_rows(tmp_path, monkeypatch):
    doc = json.dumps(
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "ims:images:copyInRegion",
                    "Condition": {"Bool": {"ims:Encrypted": "false"}},
                }
            ],
        }
    )
    copy = ("POST", "/v1/cloudimages/{image_id}/copy")

    _, unknown, _ = run("scp_preview", "--format", "json", "-", stdin=doc, monkeypatch=monkeypatch)
    context = json.dumps({"keys": {"ims:Encrypted": ["true"]}})
    _, known, _ = run(
        "scp_preview",
        "--format",
        "json",
        "--context",
        context,
        "-",
        stdin=doc,
        monkeypatch=monkeypatch,
    )

    assert _row(json.loads(unknown), *copy)["outcome"] == "conditional"
    assert _row(json.loads(known), *copy)["outcome"] == "allowed"


def test_preview_identity_profile_is_previewed_alone(tmp_path):
    path = tmp_path / "identity.json"
    path.write_text(
        json.dumps(
            {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": "ims:images:list"}]}
        )
    )

    _, out, _ = run("scp_preview", "--profile", "identity", "--format", "json", str(path))

    assert json.loads(out)["summary"]["not_allowed"] == 28


def test_preview_bad_context_and_missing_file_exit_two(files, tmp_path):
    assert run("scp_preview", "--context", "{nope", files["clean"])[0] == 2
    assert run("scp_preview", str(tmp_path / "missing.json"))[0] == 2


def test_preview_of_invalid_json_exits_one(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{")

    code, _, err = run("scp_preview", str(path))

    assert code == 1
    assert "not valid JSON" in err
