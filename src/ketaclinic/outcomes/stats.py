"""Proportions with Wilson score intervals, and small-cell suppression, as Polars expressions.

Wilson score interval (Wilson EB. J Am Stat Assoc 1927;22:209-212), recommended over the Wald
interval for small samples and proportions near 0 or 1 (Brown LD, Cai TT, DasGupta A. Stat Sci
2001;16:101-133): centre (p + z^2/2n) / (1 + z^2/n), half-width
z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).

Small-cell suppression: aggregates shown to researchers hide every count of 1 to ``min_cell - 1``
people (default 11, the CMS cell-size suppression policy's "1 to 10"), together with what would
reveal it: a row is suppressed when its denominator, its numerator or their difference is such a
count (the difference matters: "97 of 100" tells that 3 did not respond).
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import polars as pl

Z_95 = NormalDist().inv_cdf(0.975)
MIN_CELL = 11


def wilson_bounds(successes: pl.Expr, n: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """Lower and upper Wilson score bounds of ``successes / n``; null where ``n`` is 0."""
    n_float = n.cast(pl.Float64)
    p = successes.cast(pl.Float64) / n_float
    denominator = 1 + z**2 / n_float
    centre = (p + z**2 / (2 * n_float)) / denominator
    half = z * (p * (1 - p) / n_float + z**2 / (4 * n_float**2)).sqrt() / denominator
    valid = n > 0
    lower = pl.when(valid).then((centre - half).clip(lower_bound=0.0))
    upper = pl.when(valid).then((centre + half).clip(upper_bound=1.0))
    return lower, upper


def proportion(successes: str, n: str, prefix: str = "") -> dict[str, pl.Expr]:
    """Columns ``{prefix}rate``, ``{prefix}ci_lower``, ``{prefix}ci_upper`` of successes / n."""
    lower, upper = wilson_bounds(pl.col(successes), pl.col(n))
    return {
        f"{prefix}rate": pl.when(pl.col(n) > 0).then(pl.col(successes) / pl.col(n)),
        f"{prefix}ci_lower": lower,
        f"{prefix}ci_upper": upper,
    }


def is_small(count: pl.Expr, min_cell: int) -> pl.Expr:
    """A count of 1 to ``min_cell - 1`` people."""
    return (count > 0) & (count < min_cell)


def suppress(
    frame: pl.LazyFrame,
    *,
    numerator: str,
    denominator: str,
    hidden: Sequence[str],
    min_cell: int = MIN_CELL,
) -> pl.LazyFrame:
    """``frame`` with ``suppressed`` and, on suppressed rows, null ``hidden`` columns (docstring).

    ``min_cell`` 0 or 1 suppresses nothing (staff looking at their own site's patients).
    """
    small = (
        is_small(pl.col(denominator), min_cell)
        | is_small(pl.col(numerator), min_cell)
        | is_small(pl.col(denominator) - pl.col(numerator), min_cell)
    )
    return frame.with_columns(suppressed=small).with_columns(
        pl.when(~pl.col("suppressed")).then(pl.col(column)).alias(column) for column in hidden
    )
