"""The engine's one error type, for input it cannot read (a request, a preview context).

Policies themselves never raise: everything wrong in a policy is a finding.
"""

from __future__ import annotations


class EngineInputError(ValueError):
    """A sentence naming what is wrong with the input; safe to show to the user."""
