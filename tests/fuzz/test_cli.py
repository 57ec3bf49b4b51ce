"""Every management command, run as a user would (`python manage.py ...` in a subprocess),
with hostile arguments and inputs: it exits 1 or 2 with a sentence, never a traceback.

Subprocesses are slow (a Django start each), so the hand-picked cases run side by side once
per module, and hypothesis adds only a small sample of arguments.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.answers import has_sentence
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import HOSTILE_STRINGS, HUGE_DIGITS, LONG_WILDCARD

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(
    p.stem
    for folder in (
        "catalog/management/commands",
        "scpstudio/policies/management/commands",
        "scpstudio/checks/management/commands",
        "scpstudio/accounts/management/commands",
    )
    for p in (ROOT / folder).glob("*.py")
    if not p.stem.startswith("_")  # _input.py is a helper module, not a command
)
CLI_SECONDS = 60


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def _limit_memory() -> None:  # a runaway command fails on its own, not the machine
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def run_command(env: dict[str, str], args: list[Any], stdin: bytes = b"") -> Run:
    # Run from a scratch folder: `export_catalog --output <any text>` writes a file there.
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=env["FUZZ_CLI_CWD"],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=CLI_SECONDS,
        preexec_fn=_limit_memory,
    )
    return Run(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def assert_refused_with_a_sentence(run: Run, what: Any) -> None:
    assert "Traceback" not in run.err, f"{what!r}: {run.err[-1500:]}"
    assert run.code in (1, 2), f"{what!r}: exit {run.code}; {run.err[-500:]} {run.out[:300]}"
    assert has_sentence(run.out + run.err), f"{what!r}: no sentence: {run.err!r} {run.out!r}"


@pytest.fixture(scope="module")
def files(tmp_path_factory: Any) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli-inputs")
    contents: dict[str, bytes] = {
        "empty": b"",
        "binary": b"\xff\xfe\x00\x81" * 100,
        "deep": b"[" * 100_000,
        "huge_number": b'{"Version": "5.0", "Statement": ' + HUGE_DIGITS.encode() + b"}",
        "infinite": b'{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": '
        b'"ims:images:share", "Condition": {"NumberEquals": {"g:MFAAge": 1e999}}}]}',
        "surrogate": b'{"Version": "5.0", "Statement": "\\ud800"}',
        "html": b"<html><body>IMS</body></html>",
        "catalog_inf": b'{"format": "scpstudio-catalog", "version": 1e999, "services": []}',
        "catalog_bad": b'{"format": "scpstudio-catalog", "version": 1, "services": [{"prefix": '
        + json.dumps(LONG_WILDCARD).encode()
        + b', "actions": 5}]}',
        "catalog_nul": b'{"format": "scpstudio-catalog", "version": 1, "services": '
        b'[{"prefix": "a\\u0000b", "name": "x"}]}',
        "wildcard": json.dumps(
            {
                "Version": "5.0",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "ims:images:share",
                        "Condition": {"StringMatch": {"g:UserAgent": LONG_WILDCARD}},
                    }
                ],
            }
        ).encode(),
    }
    paths = {}
    for name, content in contents.items():
        path = folder / f"{name}.json"
        path.write_bytes(content)
        paths[name] = str(path)
    paths["folder"] = str(folder)
    paths["missing"] = str(folder / "missing.json")
    paths["long_name"] = str(folder / ("n" * 300 + ".json"))
    return paths


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: Any) -> dict[str, str]:
    """A migrated SQLite file holding the shipped catalog, for the subprocesses."""
    db = tmp_path_factory.mktemp("cli-db") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": str(ROOT),
        "FUZZ_CLI_CWD": str(tmp_path_factory.mktemp("cli-cwd")),
    }
    env.pop("DJANGO_DEBUG", None)
    migrated = run_command(env, ["migrate", "--noinput", "-v0"])
    assert migrated.code == 0, migrated.err[-2000:]
    return env


def _cases(f: dict[str, str]) -> dict[str, tuple[list[str], bytes]]:
    return {
        "lint-no-file": (["scp_lint"], b""),
        "lint-missing": (["scp_lint", f["missing"]], b""),
        "lint-folder": (["scp_lint", f["folder"]], b""),
        "lint-binary": (["scp_lint", f["binary"]], b""),
        "lint-deep": (["scp_lint", f["deep"]], b""),
        "lint-huge-number": (["scp_lint", "--format", "json", f["huge_number"]], b""),
        "lint-infinite": (["scp_lint", f["infinite"]], b""),
        "lint-stdin-deep": (["scp_lint", "-", "-"], b"{" * 100_000),
        "preview-folder": (["scp_preview", f["folder"]], b""),
        "preview-context-not-json": (["scp_preview", "--context", "{", f["wildcard"]], b""),
        "preview-context-keys-number": (
            ["scp_preview", "--context", '{"keys": 5}', f["wildcard"]],
            b"",
        ),
        "preview-context-deep": (["scp_preview", "--context", "[" * 50_000, f["wildcard"]], b""),
        "preview-context-folder": (
            ["scp_preview", "--context", "@" + f["folder"], f["wildcard"]],
            b"",
        ),
        "import-missing": (["import_catalog", f["missing"]], b""),
        "import-deep": (["import_catalog", "--dry-run", f["deep"]], b""),
        "import-bad-service": (["import_catalog", "--dry-run", f["catalog_bad"]], b""),
        "import-huge-number": (["import_catalog", "--dry-run", f["huge_number"]], b""),
        "export-unknown-service": (["export_catalog", "--service", LONG_WILDCARD], b""),
        "export-to-missing-folder": (["export_catalog", "--output", f["missing"] + "/x"], b""),
        "export-to-folder": (["export_catalog", "--output", f["folder"]], b""),
        "ensure-admin-extra-argument": (["ensure_admin", "extra"], b""),
        "diff-missing": (["scp_diff", f["missing"], f["wildcard"]], b""),
        "diff-both-stdin": (["scp_diff", "-", "-"], b"{}"),
        "diff-deep": (["scp_diff", f["deep"], f["wildcard"]], b""),
        "diff-context-not-json": (
            ["scp_diff", "--context", "{", f["wildcard"], f["wildcard"]],
            b"",
        ),
        "diff-bad-fail-on": (
            ["scp_diff", "--fail-on", "sideways", f["wildcard"], f["wildcard"]],
            b"",
        ),
        "dataexport-to-missing-folder": (["export_data", "--output", f["missing"] + "/x"], b""),
        "dataexport-to-folder": (["export_data", "--output", f["folder"]], b""),
        "dataimport-missing": (["import_data", f["missing"]], b""),
        "dataimport-deep": (["import_data", "--dry-run", f["deep"]], b""),
        "dataimport-binary": (["import_data", f["binary"]], b""),
        "dataimport-huge-number": (["import_data", "--dry-run", f["huge_number"]], b""),
        "dataimport-stdin-catalog": (["import_data", "-"], b'{"format": "scpstudio-catalog"}'),
        "token-unknown-user": (["create_token", LONG_WILDCARD], b""),
        "token-no-user": (["create_token"], b""),
        "sync-nothing-named": (["sync_catalog", "--dry-run"], b""),
        "sync-bad-code": (["sync_catalog", "--service", LONG_WILDCARD], b""),
        "sync-no-credentials": (["sync_catalog", "--service", "ecs"], b""),
    }


CASE_NAMES = sorted(_cases(defaultdict(str)))


@pytest.fixture(scope="module")
def case_runs(cli_env: dict[str, str], files: dict[str, str]) -> dict[str, Run]:
    cases = _cases(files)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            name: pool.submit(run_command, cli_env, args, stdin)
            for name, (args, stdin) in cases.items()
        }
        return {name: future.result() for name, future in futures.items()}


def test_the_hostile_cases_cover_every_command():
    covered = {name.split("-")[0] for name in CASE_NAMES}

    assert {
        "lint",
        "preview",
        "import",
        "export",
        "ensure",
        "diff",
        "dataexport",
        "dataimport",
        "token",
        "sync",
    } == covered
    assert COMMANDS == [
        "create_token",
        "ensure_admin",
        "export_catalog",
        "export_data",
        "import_catalog",
        "import_data",
        "scp_diff",
        "scp_lint",
        "scp_preview",
        "sync_catalog",
    ]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_a_hostile_command_line_is_refused_with_a_sentence(case_runs, name):
    assert_refused_with_a_sentence(case_runs[name], name)


def test_a_preview_of_an_infinite_number_writes_json(cli_env, files):
    run = run_command(cli_env, ["scp_preview", "--format", "json", files["infinite"]])

    assert "Traceback" not in run.err, run.err[-1500:]
    assert run.code in (0, 1, 2)
    assert "Infinity" not in run.out and " inf" not in run.out, run.out[:500]


_argv_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=20)).filter(
    lambda s: "\x00" not in s and len(s) < 100_000
)
_options = {
    "scp_lint": ["--profile", "--format", "--fail-on"],
    "scp_preview": ["--profile", "--format", "--context"],
    "import_catalog": ["--dry-run"],
    "export_catalog": ["--service", "--output"],
    "ensure_admin": ["--bogus"],
    "scp_diff": ["--profile", "--format", "--context", "--fail-on"],
    "export_data": ["--output", "--with-password-hashes"],
    "import_data": ["--merge", "--dry-run"],
    "create_token": ["--name"],
    "sync_catalog": ["--service", "--all", "--dry-run"],
}


@st.composite
def command_lines(draw: Any) -> list[bytes]:
    command = draw(st.sampled_from(COMMANDS))
    args = [command]
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            args.append(draw(st.sampled_from(_options[command])))
        args.append(draw(_argv_text))
    # argv holds bytes: a lone surrogate goes out as the undecodable bytes it stands for
    return [a.encode("utf-8", "surrogatepass") for a in args]


@fuzz(4)
@given(argv=command_lines())
def test_any_command_line_is_refused_with_a_sentence(cli_env, argv):
    run = run_command(cli_env, argv)

    assert_refused_with_a_sentence(run, argv)
