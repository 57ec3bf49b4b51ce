"""A management command run as a person runs it: its exit status, standard output and
standard error."""

from __future__ import annotations

import io
import sys
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError


def run(
    name: str, *args: str, stdin: bytes | None = None, monkeypatch: Any = None
) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()
