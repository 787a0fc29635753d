"""The one tolerance of every comparison of computed floats with a threshold.

Sums and products of floats are not exact (190 mg + 10 mg need not equal a 200 mg cap to the
last bit; 14 / 28 x 28 need not be 14), so a value within ``TOLERANCE`` of a threshold counts as
at it. The scalar rules of ``clinical/`` and their vectorised twins in ``outcomes/`` import this
one constant, so both sides of a boundary agree (docs/adr/0006-one-rule-and-a-vectorised-twin.md).
"""

from __future__ import annotations

from typing import Final

TOLERANCE: Final = 1e-9
