"""The gradients view: a conv layer's kernel gradient step by step, max pooling's routing of
the gradient, and one SGD update of the kernel, for one sample.

The grids are the browser's grid view (numbers sent once, played and linked there).
Keys: ``train.g_layer``, ``train.g_filter``, ``train.g_channel``, ``train.g_pos`` (the
kernel entry shown, 0-based, as the player last reported it), and the components
``train.g_grid``, ``train.g_route``, ``train.g_update``.
"""

from __future__ import annotations

import streamlit as st

from convviz.inside.gradient_views import (
    kernel_gradient_equation,
    kernel_gradient_payload,
    routing_payload,
    update_payload,
)
from convviz.inside.gradients import (
    LayerGradients,
    layer_gradients,
    layer_kernel_gradient_plan,
    layer_maxpool_routing,
    sgd_update_view,
)
from convviz.nn.model_files import pool_after
from convviz.nn.train import Trainer
from convviz.ui.grid_view import grid_view, heard_step
from convviz.ui.kernel_picker import pick_kernel


def _routing(entry: LayerGradients, f: int) -> None:
    routed, winners = layer_maxpool_routing(entry, channel=f)
    st.markdown(
        f"**Through max pooling** ({entry.name}, feature map {f + 1}). Going forward, each "
        "window kept only its largest value; going back, each window's gradient goes **to "
        "that winning cell only**, and the other cells get 0: nudging a value that was not "
        "the maximum would not change the output. (Average pooling shares the gradient "
        "equally; a ReLU passes it where its input was positive and blocks it elsewhere.)")
    st.caption("Play or step through the windows; hover a cell of the input gradient to see "
               "which output cell sent it.")
    grid_view(routing_payload(entry.input[..., f], entry.dout[..., f], routed, winners),
              key="train.g_route")


def gradients(trainer: Trainer, sample: int) -> None:
    """Pick a conv layer, a filter and an input channel; show how its gradient is made."""
    model, ds = trainer.model, trainer.dataset
    picked = pick_kernel(model, "train.g", has_sample=bool(ds.n_test))
    if picked is None:
        return
    li, f, ch = picked
    label = int(ds.y_test[sample])
    try:
        g = layer_gradients(model, ds.x_test[sample], label)
        entry = g.layers[li]
        plan = layer_kernel_gradient_plan(entry, f, ch)
    except (ValueError, TypeError) as exc:
        st.error(f"The gradients cannot be shown: {exc}.")
        return
    st.markdown(
        f"For held-out sample {sample + 1} (a “{ds.class_names[label]}”) the loss is "
        f"**{g.loss:.4f}**: the network gives the true class probability "
        f"{g.probabilities[label]:.3f}. Backpropagation carries d loss / d output back "
        f"to {entry.name}. Its **kernel gradient** is a convolution too: the layer's "
        "input (one channel) correlated with the gradient of the layer's output (one "
        "feature map), which slides like a kernel. Each step gives one weight's gradient.")
    i = heard_step("train.g_grid", "train.g_pos", plan.n_steps)  # where the player stopped
    st.caption("Play, step or drag the slider: one kernel entry per step. Hover a cell of the "
               "kernel gradient to see how it was made; click it to pin it.")
    grid_view({**kernel_gradient_payload(plan), "step": i}, key="train.g_grid")
    u, v = plan.step(i).out_pos
    st.markdown(f"`{kernel_gradient_equation(plan, i)}`")
    st.caption(f"The layer's own backward pass gives the same number: dW[{u}, {v}] = "
               f"{entry.grads['weight'][u, v, ch, f]:.6g} (filter {f + 1}, channel "
               f"{ch + 1}), for this one sample.")
    pool = pool_after(model, li)
    if pool is not None:
        _routing(g.layers[pool], f)
    lr = trainer.config.lr
    before, grad, after = sgd_update_view(entry.params["weight"][:, :, ch, f],
                                          entry.grads["weight"][:, :, ch, f], lr)
    config = trainer.config
    schedule = (f" Training starts at {lr:g} and lowers the rate along half a cosine to 0 "
                f"at the end of the run; its last step used {trainer.optimizer.lr:.3g}."
                if config.schedule == "cosine" else "")
    adam = (" This model trains with Adam, which does not take this step: each weight "
            "moves by lr × (a running average of its gradient) / √(a running average of "
            "its squared gradient), a step of its own, roughly lr in size."
            if config.optimizer == "adam" else
            " This model trains with momentum 0.9: each weight moves by lr × v, where v is "
            "its gradient plus 0.9 × the v of the step before."
            if config.optimizer == "momentum" else "")
    st.markdown(
        f"**One SGD update** of this kernel with learning rate {lr:g}: every weight moves a "
        "small step *against* its gradient, `w ← w − lr × gradient`. For a small enough "
        "learning rate this lowers the loss for this sample; a step too large can "
        "overshoot the low point and raise it. Training does this for every weight, with "
        f"the gradient averaged over a batch of {config.batch_size} images." + schedule
        + adam)
    grid_view(update_payload(before, grad, after, lr=lr), key="train.g_update")
