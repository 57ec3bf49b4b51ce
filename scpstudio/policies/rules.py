"""What a saved policy's fields may hold, checked before anything is written.

Each check returns the value to store or raises `PolicyInputError` with a sentence and the
field it is about; the API answers it as `{"error", "field"}` and a page shows it beside
the field. The document is checked only for being storable text: a draft with errors is
saved, and its worst severity says so.
"""

from __future__ import annotations

import re
from typing import Any

from scpstudio.checks.rules import clean_profile as check_profile
from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.refusals import Refusal, json_kind

# Huawei Organizations: 1-64 characters of letters, digits, `_`, `-` and spaces, with no
# leading or trailing space (policy-language.md §1, quotas).
NAME_MAX = 64
DESCRIPTION_MAX = 512
MESSAGE_MAX = 512
_NAME_CHARACTER = re.compile(r"[A-Za-z0-9_\- ]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The name rule as a pattern, for the API's schema (ECMA regex syntax, as OpenAPI reads it).
NAME_PATTERN = r"^[A-Za-z0-9_\-]([A-Za-z0-9_\- ]*[A-Za-z0-9_\-])?$"


class PolicyInputError(Refusal, ValueError):
    """A field the user gave that cannot be stored: a sentence, and the field's name."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message, field)


def clean_name(value: Any, field: str = "name") -> str:
    if not isinstance(value, str):
        raise PolicyInputError(f"The {field} must be text, not {json_kind(value)}.", field)
    if not value:
        raise PolicyInputError("Give the policy a name of 1 to 64 characters.", field)
    if len(value) > NAME_MAX:
        raise PolicyInputError(
            f"The {field} has {len(value):,} characters; a policy name has at most {NAME_MAX}.",
            field,
        )
    for character in value:
        if not _NAME_CHARACTER.fullmatch(character):
            raise PolicyInputError(
                f"A policy name holds only letters, digits, _, - and spaces; "
                f"{_shown(character)} is none of them.",
                field,
            )
    if value != value.strip(" "):
        raise PolicyInputError("A policy name may not start or end with a space.", field)
    return value


def clean_description(value: Any, field: str = "description") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PolicyInputError(f"The {field} must be text, not {json_kind(value)}.", field)
    if len(value) > DESCRIPTION_MAX:
        raise PolicyInputError(
            f"The {field} has {len(value):,} characters; at most {DESCRIPTION_MAX} fit.", field
        )
    _storable(value, field)
    return value


def clean_message(value: Any, field: str = "message") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PolicyInputError(f"The {field} must be text, not {json_kind(value)}.", field)
    if len(value) > MESSAGE_MAX:
        raise PolicyInputError(
            f"The {field} has {len(value):,} characters; at most {MESSAGE_MAX} fit.", field
        )
    _storable(value, field)
    return value


def clean_profile(value: Any, field: str = "profile") -> str:
    """The profile rule of every face (`checks.rules.clean_profile`), refused as the
    library's own input error."""
    try:
        return check_profile(value, field)
    except Refusal as exc:
        raise PolicyInputError(exc.message, exc.field) from exc


def clean_document(value: Any, field: str = "document") -> str:
    """The policy's JSON text exactly as written: any text within the engine's limit."""
    if not isinstance(value, str):
        raise PolicyInputError(
            f"The {field} must be the policy's JSON text (a string), not {json_kind(value)}.", field
        )
    if len(value) > MAX_POLICY_CHARS:
        raise PolicyInputError(
            f"The {field} has {len(value):,} characters; a saved policy holds at most "
            f"{MAX_POLICY_CHARS:,}.",
            field,
        )
    _storable(value, field)
    return value


def _storable(value: str, field: str) -> None:
    """Text a database column holds and gives back as it was."""
    if "\x00" in value:
        raise PolicyInputError(
            f"The {field} holds a NUL character (U+0000), which cannot be saved.", field
        )
    bad = _SURROGATE.search(value)
    if bad is not None:
        raise PolicyInputError(
            f"The {field} holds a lone surrogate (\\u{ord(bad.group()):04x}), which is not a "
            "character and cannot be saved; write it as an escape inside a JSON string.",
            field,
        )


def _shown(character: str) -> str:
    if character.isprintable() and not _SURROGATE.fullmatch(character):
        return f'"{character}"'
    return f"U+{ord(character):04X}"
