"""A stack of layers as the table `st.data_editor` edits, and back.

Shared by the layer-shapes page and the training page's architecture editor (each page
sets its own columns: which layer kinds, which limits).
"""

from __future__ import annotations

import pandas as pd

from convviz.stack.spec import COLUMNS, layers_from_text, spec_from_row, spec_to_row
from convviz.stack.summary import LayerSpec


def layers_frame(text: str) -> pd.DataFrame:
    """The table of the stack written ``text`` (``"C8k3:relu;M2;F;D10"``), one row a layer,
    with nullable integer columns so empty cells stay empty in the editor."""
    frame = pd.DataFrame([spec_to_row(s) for s in layers_from_text(text)], columns=list(COLUMNS))
    return frame.astype({"layer": object, "units": "Int64", "size": "Int64", "stride": "Int64",
                         "padding": object, "activation": object})


def frame_specs(edited: pd.DataFrame) -> list[LayerSpec]:
    """The layer specs of an edited table (empty cells become None)."""
    rows = edited.astype(object).where(edited.notna(), None).to_dict("records")
    return [spec_from_row(r) for r in rows]
