"""keep_freed_memory: a step's arrays are not paged in again on every step (glibc only)."""

import subprocess
import sys

import pytest

from convviz.engine.memory import keep_freed_memory

# A step's pattern: arrays of 4 to 12 MB allocated and freed, over and over. The child
# prints the minor page faults (a page taken from the kernel) per repeat after a warm-up.
CHILD = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from convviz.engine.memory import keep_freed_memory
    assert keep_freed_memory()
def step():
    a = np.ones(1_000_000, dtype=np.float32)
    b = np.ones(3_000_000, dtype=np.float32)
    del a
    c = np.ones(2_000_000, dtype=np.float32)
    del b, c
for _ in range(5):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def _faults_per_step(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                         check=True, timeout=60)
    return float(out.stdout.strip())


def test_keep_freed_memory_answers_the_same_every_time():
    first = keep_freed_memory()
    assert isinstance(first, bool)
    assert keep_freed_memory() is first


@pytest.mark.skipif(not keep_freed_memory(), reason="glibc's allocator only")
def test_a_step_that_frees_and_allocates_again_takes_no_new_pages():
    default = _faults_per_step("default")
    if default < 100:
        pytest.skip(f"this C library pages in only {default} times a step by default")
    assert _faults_per_step("keep") < 10  # default: about 1,700 a step on glibc 2.36


def test_a_model_keeps_freed_memory(monkeypatch):
    import convviz.nn.model as model_module
    from convviz.nn import Dense, Sequential

    calls = []
    monkeypatch.setattr(model_module, "keep_freed_memory", lambda: calls.append(1) or True)
    Sequential([Dense(2)], input_shape=(3,))
    assert calls == [1]
