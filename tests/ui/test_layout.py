"""convviz.ui.layout: rows of columns that stack on a projector."""

import pytest

from convviz.ui.layout import side_by_side


@pytest.mark.parametrize("key", ["", "a b", "x.y", 3])
def test_side_by_side_refuses_a_key_css_cannot_match(key):
    with pytest.raises(ValueError, match="`key` must be letters, digits and dashes"):
        side_by_side(2, key=key)
