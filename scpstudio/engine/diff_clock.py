"""The clock the exact diff's budget is counted on: the CPU time of the thread at work.

The budget bounds what one diff may cost a worker. Counted on the wall clock, it also
counted the time other processes held the processor, so the same diff on a busy machine
could end "undecided" where a quiet one decided it: the answer depended on the load. The
CPU time this thread spent is what the diff itself did, whatever else runs beside it, so
the same diff gets the same answer on a busy machine (later, not otherwise).
"""

from __future__ import annotations

import time


def now() -> float:
    """Seconds of CPU time this thread has spent (only differences mean anything)."""
    return time.thread_time()
