"""Peak memory of a piece of code, measured in a fresh Python process.

tracemalloc cannot bound an export: Pillow keeps image data in memory it allocates itself,
which tracemalloc does not see (the old GIF export, holding every frame, showed a 1 MB
tracemalloc peak for 115 MB of frames). The peak resident size (``ru_maxrss``) of a fresh
process sees everything, so a test runs ``setup`` (imports, warm-up) and then ``code``, and
gets how much the peak grew while ``code`` ran.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_TEMPLATE = """
import json, resource, sys
sys.path.insert(0, {tests!r})  # the tests' helpers (apptest.py) import as in pytest
{setup}
_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
{code}
_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("PEAK-GROWTH", json.dumps({{"kib": _after - _before, "result": result}}))
"""


def peak_growth(setup: str, code: str, *, timeout: float = 300) -> tuple[float, object]:
    """Run ``setup`` then ``code`` (which sets ``result``, a JSON value) in a fresh
    interpreter; return (growth of the peak resident size in MB while ``code`` ran,
    ``result``)."""
    script = _TEMPLATE.format(setup=textwrap.dedent(setup), code=textwrap.dedent(code),
                              tests=str(ROOT / "tests"))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("PEAK-GROWTH "))
    data = json.loads(line.removeprefix("PEAK-GROWTH "))
    return data["kib"] / 1024, data["result"]
