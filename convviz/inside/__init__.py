"""convviz.inside: inside a trained network: feature maps and filters (:mod:`.inspect`), gradients
and their pictures (:mod:`.gradients`, :mod:`.gradient_views`), predictions
(:mod:`.predictions`, :mod:`.user_images`) and a learned kernel opened step by step
(:mod:`.step_view`).
"""
