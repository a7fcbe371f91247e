"""The fast lane: `make test-fast` leaves out what is marked slow or e2e, `make test` runs all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAST = "not e2e and not slow"


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    lines = ROOT.joinpath("Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{target}:", line))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_test_runs_everything_and_test_fast_the_same_checks_without_the_slow():
    full, fast = _recipe("test"), _recipe("test-fast")
    assert full[-1] == "$(BIN)/python -m pytest"  # no marker left out
    assert fast[:-1] == full[:-1]  # ruff and the import contract too
    assert fast[-1] == f'$(BIN)/python -m pytest -m "{FAST}"'


def _collected(*args: str) -> str:
    res = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    return res.stdout


def test_the_fast_lane_leaves_out_the_page_suites_the_hostile_corpus_and_training_runs():
    slow = ["tests/pages/test_pooling_page.py", "tests/hostile/test_hostile_urls.py",
            "tests/nn/test_train.py::test_digits_reach_94_percent_in_215_steps",
            "tests/draw/test_conv_animation.py::test_the_largest_animation_stays_within_its_budget"]
    out = _collected("-m", "slow", *slow, "tests/engine/test_shapes.py")
    files = {line.split("::")[0] for line in out.splitlines() if "::" in line}
    assert files == {path.split("::")[0] for path in slow}, out  # the engine is not slow
    assert "test_digits_reach_94_percent_in_215_steps" in out
    assert "test_the_largest_animation_stays_within_its_budget" in out
