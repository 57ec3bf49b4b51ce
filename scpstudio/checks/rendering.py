"""The preview's answer encoded row by row, each row's JSON text kept with the row.

The serializer hands the renderer the same row dict for a row the engine kept (see
`serializers._row_json`); encoding a preview of ~470 rows was about half of its answer's
time, so a row's text is encoded once and joined into every answer that shows it. The
bytes are those `AsciiJsonRenderer` writes for the same data (a test holds them equal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scpstudio.engine.kept_by_id import KeptById
from scpstudio.rest.bodies import AsciiJsonRenderer

# A row's encoded JSON by its dict, which the serializer's row memo keeps alive.
_ENCODED = KeptById(4_096)


class PreviewJsonRenderer(AsciiJsonRenderer):
    """`AsciiJsonRenderer`, with the rows of `apis` encoded once per row dict."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        rows = data.get("apis") if isinstance(data, dict) else None
        if indent is not None or not self.compact or not isinstance(rows, list):
            return super().render(data, accepted_media_type, renderer_context)
        parts = [
            self._encode(key) + b":" + (self._rows(rows) if key == "apis" else self._encode(value))
            for key, value in data.items()
        ]
        return b"{" + b",".join(parts) + b"}"

    def _rows(self, rows: list[Any]) -> bytes:
        encoded = []
        for row in rows:
            kept: bytes | None = _ENCODED.get(row)
            if kept is None:
                kept = self._encode(row)
                _ENCODED.put(row, kept)
            encoded.append(kept)
        return b"[" + b",".join(encoded) + b"]"

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
