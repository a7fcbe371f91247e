"""convviz.inside: inside a trained network: feature maps and filters (:mod:`.inspect`), gradients
and their pictures (:mod:`.gradients`, :mod:`.gradient_views`), predictions
(:mod:`.predictions`, :mod:`.user_images`), a learned kernel opened step by step
(:mod:`.step_view`), and what the network looks at: occlusion (:mod:`.occlusion`), Grad-CAM
(:mod:`.grad_cam`), the smallest change that flips the answer (:mod:`.flip`), what a class or
a filter responds to (:mod:`.visualisation`) and one unit's receptive field
(:mod:`.unit_field`), with their shared checks (:mod:`.checks`), hand-run passes
(:mod:`.passes`) and costs (:mod:`.cost`).
"""
