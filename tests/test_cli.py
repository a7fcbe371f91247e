"""The ``convviz`` command: animate, kernels, errors, and the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convviz import cli
from convviz.cli import build_parser, main


@pytest.fixture
def png(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path / "in.png"
    Image.fromarray((rng.random((24, 32, 3)) * 255).astype(np.uint8)).save(path)
    return path


def _gif(path: Path) -> tuple[int, tuple[int, int]]:
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        return gif.n_frames, gif.size


def test_animate_a_png(png, tmp_path, capsys):
    out = tmp_path / "sweep.gif"
    assert main(["animate", str(png), "--kernel", "sobel_x", "-o", str(out)]) == 0
    n, (w, h) = _gif(out)
    assert n == 24  # 24x32 = 768 cells: row by row, one frame per row
    assert capsys.readouterr().out.strip() == f"wrote {out}: {n} frames, {w}x{h}"


def test_animate_a_sample_with_five_frames_and_a_png(tmp_path, capsys):
    out, fmap = tmp_path / "hopper.gif", tmp_path / "fmap.png"
    code = main(["animate", "sample:grace_hopper", "--kernel", "sobel_x", "--frames", "5",
                 "--max-side", "128", "--display", "abs", "-o", str(out), "--png", str(fmap)])
    assert code == 0
    n, _ = _gif(out)
    assert n == 5
    with Image.open(fmap) as im:
        assert im.format == "PNG" and max(im.size) == 128
    assert "5 frames" in capsys.readouterr().out


def test_animate_options(png, tmp_path):
    out = tmp_path / "o.gif"
    args = ["animate", str(png), "-k", "laplacian_4", "-o", str(out), "--stride", "2",
            "--padding", "valid", "--dilation", "2", "--padding-mode", "reflect", "--flip",
            "--channels", "rgb", "--fps", "4", "--vmax", "0.5", "--display", "relu",
            "--frames", "500"]
    assert main(args) == 0
    assert _gif(out)[0] == 10 * 14  # (24 - 5) // 2 + 1 = 10 rows, 14 cols: cell by cell


def test_animate_a_region(png, tmp_path):
    out = tmp_path / "zoom.gif"
    assert main(["animate", str(png), "-k", "sobel_y", "--region", "4,6,3", "--frames", "50",
                 "-o", str(out)]) == 0
    assert _gif(out)[0] == 9  # 3x3 pixels, pixel by pixel


def test_unknown_kernel_lists_the_names(png, tmp_path, capsys):
    assert main(["animate", str(png), "--kernel", "sobel", "-o", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert "unknown kernel 'sobel'" in err and "sobel_x" in err and "identity" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.gif").exists()


def test_missing_file_is_a_friendly_error(tmp_path, capsys):
    missing = tmp_path / "nope.png"
    assert main(["animate", str(missing), "-k", "sobel_x", "-o", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convviz: error: No file at") and err.count("\n") == 1


def test_not_an_image_is_a_friendly_error(tmp_path, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("hello")
    assert main(["animate", str(bad), "-k", "sobel_x", "-o", str(tmp_path / "x.gif")]) == 2
    assert "not an image" in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "needle"), [
    (["--stride", "0"], "`stride`"),
    (["--padding", "wide"], "--padding"),
    (["--region", "1,2"], "ROW,COL,SIZE"),
    (["--region", "900,0,4"], "`region`"),
    (["--frames", "0"], "--frames"),
    (["--fps", "0"], "`fps`"),
    (["--display", "log"], "--display"),
])
def test_bad_arguments_give_one_line_and_code_2(png, tmp_path, capsys, extra, needle):
    args = ["animate", str(png), "-k", "sobel_x", "-o", str(tmp_path / "x.gif"), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("extra", [["--frames", "0"], ["--max-side", "-3"]])
def test_counts_below_one_are_refused_naming_the_option_and_value(png, tmp_path, capsys, extra):
    args = ["animate", str(png), "-k", "sobel_x", "-o", str(tmp_path / "x.gif"), *extra]
    assert main(args) == 2
    assert capsys.readouterr().err == \
        f"convviz: error: {extra[0]} must be a positive integer, got {extra[1]}\n"
    assert not (tmp_path / "x.gif").exists()


def test_unknown_sample_lists_the_samples(tmp_path, capsys):
    assert main(["animate", "sample:cat", "-k", "sobel_x", "-o", str(tmp_path / "x.gif")]) == 2
    assert "sample:grace_hopper" in capsys.readouterr().err


def test_unwritable_output_is_code_1(png, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir.gif"
    assert main(["animate", str(png), "-k", "sobel_x", "-o", str(out), "--frames", "2"]) == 1
    assert "convviz: error" in capsys.readouterr().err


def test_kernels_lists_names_and_meanings(capsys):
    assert main(["kernels"]) == 0
    out = capsys.readouterr().out
    assert "sobel_x" in out and "vertical edges" in out and "laplacian_4" in out


def test_no_command_prints_help_and_returns_2(capsys):
    assert main([]) == 2
    assert "animate" in capsys.readouterr().err


def test_help_and_version_return_0(capsys):
    assert main(["--version"]) == 0
    assert "convviz" in capsys.readouterr().out
    assert main(["animate", "--help"]) == 0
    assert "--kernel" in capsys.readouterr().out


def test_a_new_subcommand_plugs_in_without_touching_main(monkeypatch, capsys):
    def _add_hello(sub):
        p = sub.add_parser("hello", help="greet someone")
        p.add_argument("--name", default="world")
        p.set_defaults(func=lambda args: print(f"hello {args.name}") or 0)

    monkeypatch.setattr(cli, "SUBCOMMANDS", [*cli.SUBCOMMANDS, _add_hello])
    assert "hello" in build_parser().format_help()
    assert main(["hello", "--name", "class"]) == 0
    assert capsys.readouterr().out == "hello class\n"


def test_console_script_is_installed_and_runs(tmp_path):
    script = Path(sys.executable).parent / "convviz"
    if not script.exists():
        pytest.skip("the convviz console script is not installed (pip install -e .)")
    res = subprocess.run([str(script), "kernels"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "sobel_x" in res.stdout
    out = tmp_path / "s.gif"
    res = subprocess.run([str(script), "animate", "sample:grace_hopper", "--kernel", "sobel_x",
                          "--frames", "5", "--max-side", "96", "-o", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert _gif(out)[0] == 5
    res = subprocess.run([str(script), "animate", "x.png", "-k", "nope", "-o", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "valid names" in res.stderr and "Traceback" not in res.stderr


def test_animate_over_the_budget_makes_what_fits_and_says_so(tmp_path, capsys):
    big = tmp_path / "big.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (400, 400, 3), np.uint8)).save(big)
    out = tmp_path / "o.gif"
    args = ["animate", str(big), "-k", "sobel_x", "--frames", "400", "--max-side", "2048",
            "-o", str(out)]  # 400 frames of 2,000 x 4,000 px
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "convviz: The sweep in full (400 frames) would need" in err
    n, (w, h) = _gif(out)
    assert f"{n} of 400 frames" in err and "smaller pictures" in err and h < 1500


def test_animate_refused_by_the_memory_limit_writes_nothing(png, tmp_path, capsys,
                                                            monkeypatch):
    from convviz.base import memory

    monkeypatch.setenv(memory.MEMORY_ENV, "256")
    monkeypatch.setattr(memory, "process_rss_bytes", lambda: 256 * 2**20)
    out = tmp_path / "x.gif"
    assert main(["animate", str(png), "-k", "sobel_x", "-o", str(out)]) == 1
    assert "short of memory" in capsys.readouterr().err and not out.exists()
