"""The review band of the online check: pairs the model is unsure about (no Django import: the bench reads it).

A pair at or above the hit threshold ``t`` is a hit. Below it, down to :func:`band_low`, the pair is
stored as an :class:`~.models.UncertainPair` that only the owning institution's reviewers see.
The lower bound is the mirror image of the threshold in match weight: ``1 - t`` is as far below
even odds as ``t`` is above (with t = 0.9: ±3.2 bits). Below it the model is as sure that the two
records are *different* people as it is sure of a hit that they are the same - a reviewer would
mostly confirm the model there, and learn nothing from it. Pairs near 0.5 come first in the queue.
"""

#: Open pairs at or above this probability are near-certain: they stay in the hit list, not the queue.
REVIEW_BAND_HIGH = 0.995
#: Uncertain pairs stored per online check at most (the strongest): a common name cannot flood the queue.
MAX_BAND_PAIRS = 5


def band_low(threshold: float) -> float:
    """Lowest probability of the uncertain band for a hit threshold (see the module docstring)."""
    return round(min(0.5, max(0.05, 1.0 - float(threshold))), 4)
