"""Which tests are slow: the fast lane (`make test-fast`, ``-m "not e2e and not slow"``) leaves
them out, `make test` runs them all.

Every test under :data:`SLOW_DIRS` is marked ``slow``: the AppTest runs of whole pages
(tests/pages) and the hostile corpus with its random-widget sweep of every page
(tests/hostile). A slow test elsewhere (a whole training run, the largest GIF) carries
``@pytest.mark.slow`` itself. tests/e2e/conftest.py marks the real-browser tests ``e2e``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SLOW_DIRS = ("pages", "hostile")


def pytest_collection_modifyitems(config, items):
    slow = [HERE / d for d in SLOW_DIRS]
    for item in items:
        if any(d in Path(item.path).resolve().parents for d in slow):
            item.add_marker(pytest.mark.slow)
