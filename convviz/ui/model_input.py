"""An image for a trained model from the user: an upload or a drawing, prepared as the
training images were (size, colours, framing). Used by the training page's Predict and
"What it looks at" tabs, each with its own widget keys.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.imaging.drawing import PAD_SIDE
from convviz.imaging.images import ImageError, count_frames, first_frame_note, load_image
from convviz.inside.user_images import fit_drawing, fit_image, looks_inverted
from convviz.nn.train import Trainer
from convviz.ui.drawpad import default_pen, drawpad
from convviz.ui.image_input import UPLOAD_TYPES

__all__ = ["COLOURS", "drawn_input", "uploaded_input", "what_to_draw"]

COLOURS = {"auto": "Automatic", "as is": "As it is", "invert": "Inverted"}


def uploaded_input(trainer: Trainer, *, file_key: str, colours_key: str) -> np.ndarray | None:
    """An uploaded picture as the model's input (H, W, C) in [0, 1], or None (none yet, or
    it could not be read: the page then says why)."""
    ss = st.session_state
    file = st.file_uploader("Your image (PNG, JPEG, ...)", type=UPLOAD_TYPES, key=file_key)
    st.radio("Colours", list(COLOURS), key=colours_key, format_func=COLOURS.get,
             horizontal=True, help="The digits are light on dark; a drawing on paper is "
                                   "dark on light and must be inverted. Automatic compares "
                                   "the image's border with the training images'.")
    if file is None:
        st.caption("Draw a digit on paper and take a photo, or pick any picture.")
        return None
    try:
        img = load_image(file.getvalue(), max_side=512)
        if note := first_frame_note(*count_frames(file.getvalue())):
            st.info(note)
        x = fit_image(img, trainer.model.input_shape)
    except (ImageError, ValueError, TypeError) as exc:
        st.error(f"Could not use “{file.name}”: {exc}")
        return None
    mode = ss[colours_key]
    if mode == "invert" or (mode == "auto" and looks_inverted(x, trainer.dataset.x_train)):
        x = 1.0 - x
    return x


def what_to_draw(class_names: list[str]) -> str:
    """ "a digit (0 to 9)" for the digit classes, else the class names."""
    if class_names == [str(d) for d in range(10)]:
        return "a digit (0 to 9)"
    return "one of: " + ", ".join(class_names)


def drawn_input(trainer: Trainer, *, key: str, hint: str) -> np.ndarray | None:
    """A drawing on the pad as the model's input, framed like the training images, or None
    before anything is drawn (the caption ``hint`` then says what to do)."""
    what = what_to_draw(list(trainer.dataset.class_names))
    ink = drawpad(key, (PAD_SIDE, PAD_SIDE), pen=default_pen(*trainer.model.input_shape[:2]),
                  label=f"Draw {what}")
    if ink is None:
        st.caption(f"Draw {what}{hint}")
        return None
    return fit_drawing(ink, trainer.model.input_shape, trainer.dataset.x_train)
