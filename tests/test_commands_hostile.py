"""Every argument of every management command of ours, given hostile values.

Each run must end the way `python manage.py` ends a command that refuses its input: exit
status 1 or 2 and a sentence on stderr, never a traceback. `manage()` runs the command
through Django's own `ManagementUtility` in this process (against the test database), so an
exception that would print a traceback fails the test instead; a few runs go through a real
`python manage.py` subprocess, for what only a real process shows (argv bytes that are not
UTF-8, stdout's encoding).

The commands: catalog's `ensure_admin`, `export_catalog`, `import_catalog`; policies'
`scp_lint`, `scp_preview`.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from django.core.management import ManagementUtility
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.fixtures import catalog_state

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
POLICY = json.dumps(
    {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}
)
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"keys": ' * 100_000 + "1" + "}" * 100_000
LONG_INT = "9" * 5000
RELAXED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
# A command run in-process closes the database connections when it ends, as manage.py does
# (BaseCommand.run_from_argv). A test that reads the database after one, or runs several,
# must then not be inside a transaction: on PostgreSQL, or SQLite in a file, the closed
# connection took the transaction with it.
AFTER_A_COMMAND = pytest.mark.django_db(transaction=True)


def manage(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run `manage.py *argv` as the command line would: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            ManagementUtility(["manage.py", *argv]).execute()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def refused(code: int, err: str, *sentence: str) -> None:
    assert code in (1, 2), (code, err)
    assert "Traceback" not in err
    assert err.strip(), "a refusal says why"
    for words in sentence:
        assert words in err, err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Hostile files by kind, plus a good policy."""
    made = {
        "policy": POLICY.encode(),
        "empty": b"",
        "not-utf8": b"\xff\xfe\x00\x81 not text",
        "deep": DEEP.encode(),
        "deep-object": DEEP_OBJECT.encode(),
        "long-int": ('{"Version": ' + LONG_INT + "}").encode(),
        "nul": b'{"Version": "5.0",\x00 "Statement": []}',
    }
    paths = {}
    for name, content in made.items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(content)
        paths[name] = str(path)
    paths["missing"] = str(tmp_path / "no-such-file.json")
    paths["directory"] = str(tmp_path)
    paths["device"] = "/dev/zero"  # never ends: must be refused, not read
    return paths


HOSTILE_FILES = ["empty", "not-utf8", "deep", "deep-object", "long-int", "nul", "missing"]
UNREADABLE = ["missing", "device"]


# -- import_catalog PATH [--dry-run] ---------------------------------------------------------


@AFTER_A_COMMAND
@pytest.mark.parametrize("kind", HOSTILE_FILES + ["directory", "device"])
def test_import_catalog_refuses_a_hostile_file_and_writes_nothing(files, kind):
    before = catalog_state()

    code, _, err = manage("import_catalog", files[kind])

    refused(code, err, "CommandError:")
    assert catalog_state() == before


@pytest.mark.parametrize("kind", [k for k in UNREADABLE if k != "directory"])
def test_import_catalog_says_which_file_it_cannot_read(files, kind):
    code, _, err = manage("import_catalog", files[kind])

    refused(code, err, f"cannot read {files[kind]}:")


def test_import_catalog_of_a_folder_names_the_file_in_it_it_cannot_read(files):
    # a folder is imported as its pages (one atomic run): the unreadable one is named
    code, _, err = manage("import_catalog", files["directory"])

    refused(code, err, f"cannot read {files['directory']}/")


def test_import_catalog_refuses_a_file_name_holding_a_nul_byte():
    code, _, err = manage("import_catalog", "cat\x00alog.json")

    refused(code, err, "cannot read")


def test_import_catalog_refuses_a_flag_given_a_value(files):
    code, _, err = manage("import_catalog", files["policy"], "--dry-run=yes")

    refused(code, err, "--dry-run")


@AFTER_A_COMMAND
@settings(max_examples=40, deadline=None, suppress_health_check=RELAXED)
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_import_catalog_answers_any_file_content_with_an_exit_status(tmp_path, content):
    path = tmp_path / "any.txt"
    path.write_bytes(
        content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    )

    code, _, err = manage("import_catalog", str(path), "--dry-run")

    assert code in (0, 1), err
    assert "Traceback" not in err


# -- export_catalog [--service S]... [--output FILE] [--no-global-keys] -----------------------


@pytest.mark.parametrize(
    "service", ["nope", "\x00", "ims\x00", "x" * 10_000, "\udcff", LONG_INT, "", "../ims"]
)
def test_export_catalog_refuses_a_service_it_does_not_have(service):
    code, _, err = manage("export_catalog", "--service", service)

    refused(code, err, "no such service")


@pytest.mark.parametrize(
    "output", ["directory", "missing-dir", "nul", "/dev/full", "not-a-dir"], ids=str
)
def test_export_catalog_refuses_an_output_it_cannot_write(tmp_path, output):
    (tmp_path / "file").write_text("x")
    target = {
        "directory": str(tmp_path),
        "missing-dir": str(tmp_path / "no" / "such" / "dir" / "out.json"),
        "nul": str(tmp_path / "out\x00.json"),
        "/dev/full": "/dev/full",
        "not-a-dir": str(tmp_path / "file" / "out.json"),
    }[output]

    code, _, err = manage("export_catalog", "--output", target)

    refused(code, err, "cannot write")


def test_export_catalog_refuses_a_flag_given_a_value():
    code, _, err = manage("export_catalog", "--no-global-keys=1")

    refused(code, err, "--no-global-keys")


@AFTER_A_COMMAND
@settings(max_examples=40, deadline=None, suppress_health_check=RELAXED)
@given(service=st.text(max_size=50))
def test_export_catalog_answers_any_service_with_an_exit_status(service):
    code, out, err = manage("export_catalog", f"--service={service}")

    assert code in (0, 1), err
    assert "Traceback" not in err
    assert code == 1 or json.loads(out)["services"][0]["prefix"] == service


# -- ensure_admin (no arguments of its own) ---------------------------------------------------


@AFTER_A_COMMAND
@settings(max_examples=25, deadline=None, suppress_health_check=RELAXED)
@given(verbosity=st.one_of(st.text(max_size=20), st.integers().map(str)))
def test_ensure_admin_answers_any_verbosity_with_an_exit_status(verbosity):
    code, _, err = manage("ensure_admin", f"--verbosity={verbosity}")

    assert code in (0, 2), err
    assert "Traceback" not in err


def test_ensure_admin_refuses_an_argument_it_does_not_take():
    code, _, err = manage("ensure_admin", "extra")

    refused(code, err, "unrecognized arguments: extra")


# -- scp_lint FILE... [--profile] [--format] [--fail-on] --------------------------------------


@pytest.mark.parametrize("kind", UNREADABLE + ["not-utf8"])
def test_scp_lint_says_which_file_it_cannot_read(files, kind):
    code, _, err = manage("scp_lint", files[kind])

    refused(code, err, f"{files[kind]}: cannot be read")
    assert code == 2


@pytest.mark.parametrize("kind", ["empty", "deep", "deep-object", "long-int", "nul"])
def test_scp_lint_reports_a_hostile_policy_as_a_finding(files, kind):
    code, out, err = manage("scp_lint", files[kind])

    assert code == 1, err
    assert "Traceback" not in err
    assert out.strip()


def test_scp_lint_refuses_a_file_name_holding_a_nul_byte(files):
    code, _, err = manage("scp_lint", "pol\x00icy.json", files["policy"])

    refused(code, err, "cannot be read")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--profile", "x" * 10_000), ("--format", "\x00"), ("--fail-on", LONG_INT)],
)
def test_scp_lint_refuses_an_option_value_it_does_not_know(files, option, value):
    code, _, err = manage("scp_lint", files["policy"], option, value)

    refused(code, err, "invalid choice")


def test_scp_lint_reads_non_utf8_stdin_as_unreadable():
    code, _, err = manage("scp_lint", "-", stdin=b"\xff\xfe{}")

    refused(code, err, "-: cannot be read")


@AFTER_A_COMMAND
@settings(max_examples=40, deadline=None, suppress_health_check=RELAXED)
@given(content=st.binary(max_size=300))
def test_scp_lint_answers_any_file_content_with_an_exit_status(tmp_path, content):
    path = tmp_path / "any.json"
    path.write_bytes(content)

    code, _, err = manage("scp_lint", str(path))

    assert code in (0, 1, 2), err
    assert "Traceback" not in err


# -- scp_preview FILE [--context JSON|@FILE] [--profile] [--format] [--no-full-access] ----------


@pytest.mark.parametrize(
    ("context", "sentence"),
    [
        (DEEP, "nested more than"),
        (DEEP_OBJECT, "nested more than"),
        ('{"keys": {"g:X": [' + LONG_INT + "]}}", "a number of 5000 digits"),
        ('{"region": NaN}', "NaN is not JSON"),
        ("{", "not valid JSON"),
        ("", "empty"),
        ("@", "cannot read"),
        ('"a string"', "must be a JSON object"),
        ("[1, 2]", "must be a JSON object"),
        ('{"region": 5}', "region must be a string"),
        ('{"keys": [1]}', "keys must map"),
        ('{"resource_ids": {"image": 1}}', "resource_ids must map"),
        ('{"surprise": 1}', "Unknown context field"),
        ("x" * 10_000, "not valid JSON"),
        ("\udcff", "not valid JSON"),
    ],
)
def test_scp_preview_refuses_a_hostile_context_with_a_sentence(files, context, sentence):
    code, _, err = manage("scp_preview", files["policy"], "--context", context)

    refused(code, err, sentence)


@pytest.mark.parametrize("kind", ["deep", "deep-object", "long-int", "not-utf8", "empty"])
def test_scp_preview_refuses_a_hostile_context_file(files, kind):
    code, _, err = manage("scp_preview", files["policy"], "--context", "@" + files[kind])

    refused(code, err, "context")


@pytest.mark.parametrize("kind", UNREADABLE)
def test_scp_preview_says_which_context_file_it_cannot_read(files, kind):
    code, _, err = manage("scp_preview", files["policy"], "--context", "@" + files[kind])

    refused(code, err, f"cannot read the context {files[kind]}:")


@pytest.mark.parametrize("kind", HOSTILE_FILES + ["directory", "device"])
def test_scp_preview_refuses_a_hostile_policy_file(files, kind):
    code, _, err = manage("scp_preview", files[kind])

    refused(code, err)


@pytest.mark.parametrize(("option", "value"), [("--profile", "\udcff"), ("--format", "x" * 10_000)])
def test_scp_preview_refuses_an_option_value_it_does_not_know(files, option, value):
    code, _, err = manage("scp_preview", files["policy"], option, value)

    refused(code, err, "invalid choice")


def test_scp_preview_refuses_a_flag_given_a_value(files):
    code, _, err = manage("scp_preview", files["policy"], "--no-full-access=no")

    refused(code, err, "--no-full-access")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
_context_keys = st.sampled_from(["region", "account_id", "resource_ids", "keys", "other"])


@AFTER_A_COMMAND
@settings(max_examples=60, deadline=None, suppress_health_check=RELAXED)
@given(
    context=st.one_of(
        st.text(max_size=60),
        _json.map(json.dumps),
        st.dictionaries(_context_keys, _json, max_size=4).map(json.dumps),
    )
)
def test_scp_preview_answers_any_context_with_an_exit_status(files, context):
    code, _, err = manage("scp_preview", files["policy"], "--context", context)

    assert code in (0, 1, 2), err
    assert "Traceback" not in err


# -- a real process -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def process_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a `python manage.py` run against its own migrated database."""
    db = tmp_path_factory.mktemp("db") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return env


def python_manage(env: dict[str, str], *argv: str | bytes, stdin: bytes = b""):
    return subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_a_real_scp_preview_refuses_a_deep_context_without_a_traceback(process_env, files):
    run = python_manage(process_env, "scp_preview", files["policy"], "--context", DEEP[:20_000])

    err = run.stderr.decode()
    refused(run.returncode, err, "nested more than")


def test_a_real_import_catalog_refuses_a_file_name_that_is_not_utf8(process_env, tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.json"

    run = python_manage(process_env, "import_catalog", name)

    refused(run.returncode, run.stderr.decode(errors="replace"), "cannot read")


def test_a_real_scp_lint_refuses_non_utf8_stdin(process_env):
    run = python_manage(process_env, "scp_lint", "-", stdin=b"\xff\xfe{}")

    refused(run.returncode, run.stderr.decode(), "cannot be read")


def test_a_real_export_catalog_refuses_a_directory_as_output(process_env, tmp_path):
    run = python_manage(process_env, "export_catalog", "--output", str(tmp_path))

    refused(run.returncode, run.stderr.decode(), "cannot write")


def test_scp_preview_of_a_policy_past_a_limit_exits_1_naming_it(tmp_path):
    policy = {
        "Version": "5.0",
        "Statement": [{"Effect": "Deny", "Action": [f"ims:images:x{i}" for i in range(3_100)]}],
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(policy), encoding="utf-8")

    code, out, err = manage("scp_preview", str(path))

    assert code == 1
    assert "The policy holds more than 3,072 values" in err
    assert "even minified, over the scp limit of 5120" in err  # and its size
    assert "Traceback" not in err
