"""Tests for convviz.ui.grid_editor's pure part: applying st.data_editor's edits."""

import numpy as np

from convviz.ui.grid_editor import apply_edits


def test_apply_edits_on_a_copy():
    base = np.zeros((2, 3))
    out = apply_edits(base, {"edited_rows": {0: {"1": 4}, 1: {"3": -2.5}}, "added_rows": [],
                             "deleted_rows": []})
    assert out.tolist() == [[4, 0, 0], [0, 0, -2.5]]
    assert not base.any()  # the base is untouched


def test_apply_edits_tolerates_bad_cells_and_no_state():
    base = np.ones((2, 2))
    out = apply_edits(base, {"edited_rows": {"1": {"2": None, "1": "x"}, 5: {"1": 3},
                                             0: {"9": 3, "2": float("inf")}}})
    assert out.tolist() == [[1, 0], [0, 0]]  # emptied, text and infinity become 0; off-grid ignored
    assert np.array_equal(apply_edits(base, None), base)
    assert np.array_equal(apply_edits(base, {}), base)
