"""Reading the commands' file and JSON arguments, with a sentence for whatever cannot be read.

The name starts with `_` so that Django does not list it as a command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from catalog.importers.json_text import JsonTextError, load_json
from scpstudio.engine.lint import STDIN_NAME, read_source
from scpstudio.engine.preview import PreviewContext

# A policy is a few KB (the SCP limit is far below this); a bigger file is a mistake.
MAX_FILE_MB = 16
# A context is {"keys": {key: [values]}}: three levels.
MAX_CONTEXT_DEPTH = 8


class UnreadableInput(ValueError):
    """An argument that cannot be read, with a sentence saying why."""


def read_file_argument(name: str) -> str:
    """The text of a file argument (`-` is standard input), or UnreadableInput."""
    if name != STDIN_NAME:
        path = Path(name)
        try:
            if not path.is_file():  # a directory, a device or a pipe could block or never end
                raise UnreadableInput(
                    "it is not a regular file" if path.exists() else "no such file"
                )
            if path.stat().st_size > MAX_FILE_MB * 1024 * 1024:
                raise UnreadableInput(f"it is larger than {MAX_FILE_MB} MB")
        except OSError as exc:
            raise UnreadableInput(str(exc.strerror or exc)) from exc
    try:
        return read_source(name)
    except OSError as exc:
        raise UnreadableInput(str(exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"it is not UTF-8 text (byte {exc.start} cannot be read)") from exc
    except (UnicodeError, ValueError) as exc:  # e.g. a NUL byte in the name
        raise UnreadableInput(f"it cannot be read as text ({exc})") from exc


def read_json_argument(text: str) -> Any:
    """The decoded value of a JSON argument, or UnreadableInput with a sentence."""
    if not text.strip():
        raise UnreadableInput("it is empty: give a JSON object")
    try:
        return load_json(text, max_depth=MAX_CONTEXT_DEPTH, depth_hint="; a context needs 3")
    except JsonTextError as exc:
        where = f" (line {exc.line})" if exc.line and exc.line > 1 else ""
        raise UnreadableInput(exc.message + where) from exc


def context_argument(raw: str | None) -> PreviewContext:
    """A command's --context argument: JSON, or @file holding it; exit 2 with a sentence
    when it cannot be read or is not a context."""
    if raw is None:
        return PreviewContext()
    what = "the context"
    try:
        if raw.startswith("@"):
            what = f"the context {raw[1:]}"
            raw = read_file_argument(raw[1:])
        return PreviewContext.from_json(read_json_argument(raw))
    except UnreadableInput as exc:
        raise CommandError(f"cannot read {what}: {exc}.", returncode=2) from exc
    except ValueError as exc:  # EngineInputError: the JSON is not a context
        raise CommandError(f"{what} is not usable: {exc}", returncode=2) from exc
