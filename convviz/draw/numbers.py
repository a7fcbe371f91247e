"""How convviz writes a number: one rounding rule everywhere, exact fractions for weights.

Every number a page shows goes through :func:`format_value` (or, for kernel weights,
:func:`format_weight`), so a value rounds the same way in a grid cell, an equation and a
caption: half away from zero, on the number as written (1.125 gives 1.13, as by hand).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np

__all__ = ["FRACTION_DENOMINATORS", "format_value", "format_weight", "weight_format"]


def format_value(v: float, decimals: int = 2, *, digits: int | None = None) -> str:
    """Short text for a number: integers without decimals, -inf as '-∞'.

    Every number convviz shows goes through here (or :func:`format_weight`), so all are
    rounded one way: half away from zero, on the number as written (its shortest decimal
    form), so 1.125 gives 1.13 and 3.375 gives 3.38, as by hand.

    Parameters
    ----------
    v : float
    decimals : int
        At most this many decimals (trailing zeros dropped).
    digits : int, optional
        Instead, at most this many significant digits (but never fewer than the integer
        part needs: no exponent notation).

    Examples
    --------
    >>> format_value(3.0), format_value(-0.125), format_value(float("-inf"))
    ('3', '-0.13', '-∞')
    >>> format_value(1 / 9, digits=4), format_value(0.5625, digits=4)
    ('0.1111', '0.5625')
    """
    v = float(v)
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if math.isnan(v):
        return ""
    if v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    exact = Decimal(repr(v))  # the shortest decimal that reads back as v: "2.675"
    if digits is not None:
        decimals = max(0, digits - exact.adjusted() - 1)  # adjusted(): the leading digit's power
    text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: Denominators a kernel weight is shown over as a fraction ("1/16"): up to 64, powers of
#: two (Gaussian kernels over 256) and the squares of box blurs.
FRACTION_DENOMINATORS = frozenset(range(2, 65)) | {128, 256, 512, 1024, 81, 121}


def _simple_fraction(w: float) -> Fraction | None:
    """``w`` as a fraction over :data:`FRACTION_DENOMINATORS`, exact up to float32 storage
    (kernels are float32: 1/9 is stored as 0.11111111194), or None."""
    if not math.isfinite(w) or w.is_integer():
        return None
    frac = Fraction(w).limit_denominator(1024)
    ok = frac.denominator in FRACTION_DENOMINATORS and math.isclose(float(frac), w,
                                                                    rel_tol=1e-7)
    return frac if ok else None


def _long(w: float) -> bool:
    """Whether ``w`` needs more than 4 characters (sign aside) as a decimal: 0.0625, 1/9."""
    return len(format_value(w, digits=4).lstrip("-")) > 4


def format_weight(w: float, *, fractions: bool | None = None) -> str:
    """A kernel weight as text: an exact simple fraction as "1/16", else like
    ``format_value(w, digits=4)``, enough to redo its products by hand.

    Parameters
    ----------
    w : float
    fractions : bool, optional
        True: every simple fraction as a fraction (0.25 as 1/4); False: never. By default
        only those whose decimal is long (0.0625, 0.111...), so 0.5 stays 0.5. Use
        :func:`weight_format` to decide once for a whole kernel.

    Examples
    --------
    >>> format_weight(0.0625), format_weight(1 / 9), format_weight(-0.125)
    ('1/16', '1/9', '-1/8')
    >>> format_weight(0.5), format_weight(2.0), format_weight(0.2347)
    ('0.5', '2', '0.2347')
    """
    w = float(w)
    frac = _simple_fraction(w)
    if frac is not None and (fractions or (fractions is None and _long(w))):
        return f"{frac.numerator}/{frac.denominator}"
    return format_value(w, digits=4)


def weight_format(kernel: Any) -> Callable[[float], str]:
    """The text of one kernel's weights, alike for all of them: when every weight that is
    not whole is a simple fraction and one of them needs it, all are fractions (a Gaussian
    reads 1/16, 1/8, 1/4, not 1/16, 1/8, 0.25); otherwise decimals with up to 4
    significant digits.

    Parameters
    ----------
    kernel : array_like, any shape

    Returns
    -------
    callable
        Weight -> text.

    Examples
    --------
    >>> fmt = weight_format(np.array([[1, 2], [4, 0]]) / 16)
    >>> [fmt(v) for v in (1 / 16, 1 / 8, 1 / 4, 0.0)]
    ['1/16', '1/8', '1/4', '0']
    """
    vals = [float(v) for v in np.asarray(kernel, dtype=np.float64).ravel()
            if math.isfinite(v) and not float(v).is_integer()]
    fractions = bool(vals) and all(_simple_fraction(v) is not None for v in vals) and any(
        _long(v) for v in vals)
    return partial(format_weight, fractions=fractions)
