"""The outside oracle is present where it must be: under CI (CI=true) PyTorch is installed
by `make test` (the `torch` extra), so the PyTorch-parity tests run instead of skipping."""

import importlib.util
import os

import pytest


@pytest.mark.skipif(os.environ.get("CI", "").lower() != "true", reason="checked under CI only")
def test_torch_is_installed_under_ci():
    assert importlib.util.find_spec("torch") is not None, (
        "PyTorch is missing: `pip install -e '.[test,torch]'` installs torch==2.13.0, "
        "without which the parity tests skip")
