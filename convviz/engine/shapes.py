"""The output-size formula of convolution and pooling, and its worked explanation.

For one axis of ``n`` cells, a kernel of ``k`` taps, dilation ``d``, stride ``s`` and
padding ``p_before + p_after``::

    k_eff = d * (k - 1) + 1
    out   = floor((n + p_before + p_after - k_eff) / s) + 1

``ceil_mode=True`` (pooling, as in PyTorch) rounds up instead, but drops a last window
that would start in the right padding.
"""

from __future__ import annotations

import math
from typing import Any

from convviz.base.checks import check_int
from convviz.engine.padding import resolve_padding_1d


def _resolve(n: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any):
    n = check_int(n, "n", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    before, after = resolve_padding_1d(padding, n, k, s, d)
    return n, k, s, d, before, after


def size_or_reason(n: int, k: int, s: int, d: int, before: int, after: int,
                   ceil_mode: bool) -> tuple[int, str | None]:
    """One axis's output size from checked numbers: ``(size, None)``, or ``(0, reason)``
    when no window fits (never raises; :func:`output_size` checks and raises)."""
    eff = d * (k - 1) + 1
    padded = n + before + after
    if eff > padded:
        what = f"the kernel, {eff} wide" + (" with dilation" if d > 1 else "")
        return 0, (f"{what}, is wider than the padded input, {padded} "
                   f"({n} + {before} + {after} padding)")
    span = padded - eff
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + before:
        out -= 1  # PyTorch: the last window must start inside the input or the left padding
    return out, None


def output_size(n: int, kernel_size: int, *, stride: int = 1, padding: Any = 0,
                dilation: int = 1, ceil_mode: bool = False) -> int:
    """Number of output cells along one axis of a convolution or pooling.

    Parameters
    ----------
    n : int
        Input size along the axis (>= 1).
    kernel_size : int
        Kernel (or pooling window) size (>= 1).
    stride, dilation : int
        Step of the window and spacing of its taps (>= 1; dilation 1 means none).
    padding : int, (before, after), "valid", "same" or "full"
        "same" follows TensorFlow/Keras: the output is ``ceil(n / stride)``.
    ceil_mode : bool
        Round up as PyTorch's pooling does with ``ceil_mode=True``.

    Returns
    -------
    int
        The output size, always >= 1.

    Raises
    ------
    ValueError
        When no window fits, saying why (for instance the kernel is wider than the
        padded input).

    Examples
    --------
    >>> output_size(7, 3)
    5
    >>> output_size(28, 3)
    26
    >>> output_size(5, 2, stride=2, ceil_mode=True)
    3
    >>> output_size(7, 4, padding="same", stride=2)
    4
    """
    n, k, s, d, before, after = _resolve(n, kernel_size, stride, padding, dilation)
    out, reason = size_or_reason(n, k, s, d, before, after, bool(ceil_mode))
    if reason:
        raise ValueError(f"no output: {reason}")
    return out


def explain_output_size(n: int, kernel_size: int, *, stride: int = 1, padding: Any = 0,
                        dilation: int = 1, ceil_mode: bool = False) -> str:
    """The output-size formula with the numbers put in, as one or two lines of text.

    Takes the same arguments as :func:`output_size`. Never raises for a combination
    where no window fits: it explains why instead (bad types or negative values still
    raise, as in :func:`output_size`).

    Examples
    --------
    >>> print(explain_output_size(7, 3))
    output = floor((n + p_before + p_after - k) / s) + 1 = floor((7 + 0 + 0 - 3) / 1) + 1 = 5
    >>> print(explain_output_size(3, 5))
    no output: the kernel, 5 wide, is wider than the padded input, 3 (3 + 0 + 0 padding)
    """
    n, k, s, d, before, after = _resolve(n, kernel_size, stride, padding, dilation)
    out, reason = size_or_reason(n, k, s, d, before, after, bool(ceil_mode))
    if reason:
        return f"no output: {reason}"
    rnd = "ceil" if ceil_mode else "floor"
    if d > 1:
        k_sym, k_num = "k_eff", f"{d * (k - 1) + 1}"
        pre = f"k_eff = d * (k - 1) + 1 = {d} * ({k} - 1) + 1 = {k_num}\n"
    else:
        k_sym, k_num, pre = "k", f"{k}", ""
    span = n + before + after - (d * (k - 1) + 1)
    raw = -(-span // s) if ceil_mode else span // s
    text = (f"{pre}output = {rnd}((n + p_before + p_after - {k_sym}) / s) + 1 = "
            f"{rnd}(({n} + {before} + {after} - {k_num}) / {s}) + 1 = {raw + 1}")
    if raw + 1 != out:
        text += (f"\nthe last window would start in the right padding, so it is dropped "
                 f"(as in PyTorch): output = {out}")
    if padding == "same":
        text += f"\n('same' padding keeps ceil(n / s) = ceil({n} / {s}) = {math.ceil(n / s)})"
    return text
