"""convviz.teach: teaching text and exercises: the output-size arithmetic explained
(:mod:`.arithmetic`), PyTorch and Keras code for a layer (:mod:`.codegen`), example inputs
(:mod:`.examples`), the quiz (:mod:`.exercise`) and pooling's sentences (:mod:`.pool_text`).
"""
