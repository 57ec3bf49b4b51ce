"""Huawei Organizations' answers saved to files: `read_org_files(folder) -> OrgSnapshot`.

The folder holds one file per request of the walk (`answers`), the JSON exactly as Huawei
returned it; a request answered in several pages is saved as a JSON list of the pages, in
order (one page may be saved as the object itself):

    roots.json                                   GET /v1/organizations/roots
    organizational-units/<parent id>.json        GET .../organizational-units?parent_id=<id>
    accounts/<parent id>.json                    GET .../accounts?parent_id=<id>
    policies.json                                GET .../policies
    policies/<policy id>.json                    GET .../policies/<policy id>
    policies/<policy id>/attached-entities.json  GET .../policies/<policy id>/attached-entities

The root and every OU need both of their files, even when the answer lists nothing: a
missing file is refused with a sentence naming it, never read as "nothing there", so a
forgotten part of the tree cannot pass as an empty one. Only service control policies need
their two files (tag policies are skipped).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scpstudio.org_import.answers import Ask, build_snapshot
from scpstudio.org_import.snapshot import ImportLimits, OrgImportError, OrgSnapshot

MAX_FILE_BYTES = 20 * 1024 * 1024  # one saved answer (every page of one request)


class FolderAnswers:
    """The answers saved in a folder, in the layout above."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise OrgImportError(f"{self.folder} is not a folder of saved answers.")

    def where(self, ask: Ask) -> str:
        return f"{ask.file} ({ask.request})"

    def pages(self, ask: Ask, limits: ImportLimits) -> list[Any]:
        path = self.folder / ask.file
        if not path.is_file():
            raise OrgImportError(
                f"The folder has no {ask.file}: save the answer of {ask.request} there "
                "(every page, as a JSON list of the pages when there are several)."
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise OrgImportError(
                f"{ask.file} has {size:,} bytes; at most {MAX_FILE_BYTES // 1024 // 1024} MB "
                "are read."
            )
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise OrgImportError(f"{self.where(ask)}: the file is not UTF-8 text.") from exc
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise OrgImportError(
                f"{self.where(ask)}: not valid JSON ({exc.msg} at line {exc.lineno}, column "
                f"{exc.colno})."
            ) from exc
        except (ValueError, RecursionError) as exc:
            raise OrgImportError(f"{self.where(ask)}: not valid JSON.") from exc
        if isinstance(value, list) and ask.paged:
            if len(value) > limits.max_pages:
                raise OrgImportError(
                    f"{self.where(ask)}: {len(value):,} pages; at most {limits.max_pages:,} "
                    "are read."
                )
            return value
        return [value]


def read_org_files(folder: Path | str, limits: ImportLimits | None = None) -> OrgSnapshot:
    """The organization from a folder of saved answers (OrgImportError with a sentence
    naming the file and the place in it for anything that cannot be read)."""
    return build_snapshot(FolderAnswers(folder), limits)
