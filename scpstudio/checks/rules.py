"""The rules every face applies to what a policy check is asked with."""

from __future__ import annotations

from typing import Any

from scpstudio.engine.profiles import PROFILES
from scpstudio.refusals import Refusal


def clean_profile(value: Any, field: str = "profile") -> str:
    """A rule profile's name (the library's rules refuse through this one too)."""
    if not isinstance(value, str) or value not in PROFILES:
        raise Refusal(f"The {field} must be one of: {', '.join(PROFILES)}.", field)
    return value
