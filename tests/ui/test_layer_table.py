"""convviz.ui.layer_table: a stack to the editor's table and back."""

from __future__ import annotations

import pandas as pd

from convviz.stack.spec import COLUMNS, layers_from_text
from convviz.ui.layer_table import frame_specs, layers_frame

TEXT = "C8k3s2same:relu;M2;F;D10"


def test_a_stack_goes_to_the_table_and_back_unchanged():
    frame = layers_frame(TEXT)
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 4
    assert str(frame["units"].dtype) == "Int64"  # empty cells stay empty, not NaN floats
    assert frame_specs(frame) == list(layers_from_text(TEXT))


def test_empty_cells_of_an_edited_table_become_none():
    edited = pd.concat([layers_frame("F"), layers_frame("D10")], ignore_index=True)
    flat, dense = frame_specs(edited)
    assert flat.filters_or_units is None and flat.kernel_size is None
    assert dense.filters_or_units == 10
