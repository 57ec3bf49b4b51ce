"""The preview's answer encoded row by row, each row's JSON text kept with the row.

The engine hands back the same row objects while their decisions hold, and a preview made
in parts (one per service) the same tuple of rows for each part that did not change
(`Preview.parts`); encoding a preview of ~470 rows was about half of its answer's time,
so a row's text is encoded once and joined into every answer that shows it, and a part's
text once per part. The bytes are those `AsciiJsonRenderer` writes for the same data (a
test holds them equal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from scpstudio.checks.serializers import PreviewRows
from scpstudio.engine.kept_by_id import KeptById, keep_with, kept_with
from scpstudio.engine.preview import ApiPreview
from scpstudio.rest.bodies import AsciiJsonRenderer

# A part's encoded JSON by the part; a row's is kept with the engine's row.
_PARTS = KeptById(1_024)
_FACE = "rest.row_json"
MAX_KEPT_ROWS = 8_192


class PreviewJsonRenderer(AsciiJsonRenderer):
    """`AsciiJsonRenderer`, with the rows of `apis` encoded once per row and per part."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        rows = data.get("apis") if isinstance(data, dict) else None
        if indent is not None or not self.compact or not isinstance(rows, PreviewRows):
            return super().render(data, accepted_media_type, renderer_context)
        parts = [
            self._encode(key) + b":" + (self._rows(rows) if key == "apis" else self._encode(value))
            for key, value in data.items()
        ]
        return b"{" + b",".join(parts) + b"}"

    def _rows(self, rows: PreviewRows) -> bytes:
        # a row's JSON is kept with it for a preview of at most MAX_KEPT_ROWS rows (the
        # engine keeps the rows of many previews)
        keep_rows = sum(map(len, rows.parts)) <= MAX_KEPT_ROWS
        encoded = [self._part(part, rows.kept, keep_rows) for part in rows.parts]
        return b"[" + b",".join([e for e in encoded if e]) + b"]"

    def _part(self, part: Sequence[ApiPreview], keep: bool, keep_rows: bool) -> bytes:
        kept: bytes | None = _PARTS.get(part) if keep else None
        if kept is None:
            kept = b",".join([self._row(row, keep_rows) for row in part])
            if keep:
                _PARTS.put(part, kept)
        return kept

    def _row(self, row: ApiPreview, keep: bool) -> bytes:
        kept: bytes | None = kept_with(row, _FACE)
        if kept is None:
            kept = self._encode(row.to_json())
            if keep:
                keep_with(row, _FACE, kept)
        return kept

    def _encode(self, value: Any) -> bytes:
        """One value as `JSONRenderer.render` writes it compact (null included)."""
        text = json.dumps(
            value,
            cls=self.encoder_class,
            ensure_ascii=self.ensure_ascii,
            allow_nan=not self.strict,
            separators=(",", ":"),
        )
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()
