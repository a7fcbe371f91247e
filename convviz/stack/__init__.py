"""convviz.stack: layer stacks as written in a link or a table (:mod:`.spec`) and their Keras-style
summary: shapes and parameter counts through a whole network (:mod:`.summary`).
"""
