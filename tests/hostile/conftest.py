"""Shared by the hostile tests: they run from an empty temporary working directory, and no
file may appear in it or in the repository while they run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache",
              "node_modules"}


def _tree(root: Path) -> set[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        found.update(os.path.join(dirpath, f) for f in filenames)
    return found


@pytest.fixture(scope="package", autouse=True)
def nothing_written(tmp_path_factory):
    """An empty working directory for the whole package, checked empty at the end, and the
    repository's files compared before and after (caches aside)."""
    cwd = tmp_path_factory.mktemp("hostile-cwd")
    before = _tree(ROOT)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        yield cwd
    finally:
        os.chdir(old)
    assert not list(cwd.iterdir()), f"written into the working directory: {list(cwd.iterdir())}"
    new = sorted(_tree(ROOT) - before)
    assert not new, f"files appeared in the repository: {new}"
