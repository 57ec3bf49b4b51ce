"""How many examples each fuzz test tries: the whole tests/fuzz run stays near a minute on
a two-core machine. `make fuzz` raises FUZZ_SCALE for a longer, random hunt (the hypothesis
profile, chosen in tests/conftest.py, decides whether the examples are new on each run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
# FUZZ_RANDOM_ONLY=1 skips the pinned @example cases: while they still fail, hypothesis
# would stop at them and never reach its own search. Shrinking a slow failure reruns it
# hundreds of times (minutes), so the suite reports the failure as found; FUZZ_SHRINK=1
# asks for the minimal example.
PHASES = [
    *([] if os.environ.get("FUZZ_RANDOM_ONLY") else [Phase.explicit]),
    Phase.generate,
    *([Phase.shrink] if os.environ.get("FUZZ_SHRINK") else []),
]


def fuzz(max_examples: int) -> settings:
    """The settings of a fuzz test trying `max_examples` (times FUZZ_SCALE) examples; the
    deadline, the randomness and the example database are the profile's."""
    return settings(
        max_examples=max(1, int(max_examples * SCALE)),
        phases=PHASES,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
