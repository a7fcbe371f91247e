"""convviz.draw: drawing: number grids with highlights and colour scales (:mod:`.render`,
:mod:`.colors`), how a number is written in them (:mod:`.numbers`), the step-by-step view's
pictures (:mod:`.conv_view`, :mod:`.conv_animation`) and streamed GIF encoding
(:mod:`.gif_stream`). Arrays in, uint8 RGB frames or files out.
"""
