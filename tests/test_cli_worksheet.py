"""``convviz worksheet``: the sheet and its key beside it, answers that match the engine, and
one-line errors with exit code 2."""

from __future__ import annotations

import re

import pytest
from pdf_text import page_count, pdf_text

from convviz.cli import main
from convviz.teach.question_bank import TOPICS, questions


def test_the_worksheet_and_its_key_are_written_and_the_keys_answers_match_the_engine(
        tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    code = main(["worksheet", "--topics", "output-size,convolution,pooling", "--n", "8",
                 "--seed", "3", "-o", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    key = tmp_path / "sheet_key.pdf"
    assert stdout.splitlines() == [
        f"wrote {out}: the worksheet, 8 problems, version D (seed 3)",
        f"wrote {key}: its answer key"]
    sheet_pdf, key_pdf = out.read_bytes(), key.read_bytes()
    assert sheet_pdf.startswith(b"%PDF-") and key_pdf.startswith(b"%PDF-")
    assert page_count(sheet_pdf) >= 2 and page_count(key_pdf) >= 1
    expected = [q.answer_text() for q in
                questions(["output-size", "convolution", "pooling"], 8, 3)]
    lines = pdf_text(key_pdf).splitlines()
    assert [line.removeprefix("Answer: ") for line in lines
            if line.startswith("Answer: ")] == expected
    assert pdf_text(sheet_pdf).splitlines().count("Answer:") == 8


def test_the_same_seed_writes_the_same_files(tmp_path, capsys):
    for name in ("a.pdf", "b.pdf"):
        assert main(["worksheet", "--topics", "parameters,shapes", "--n", "3", "--seed", "7",
                     "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert (tmp_path / "a_key.pdf").read_bytes() == (tmp_path / "b_key.pdf").read_bytes()


def test_the_help_names_the_key_file_and_every_topic(capsys):
    assert main(["worksheet", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "-o sheet.pdf also writes sheet_key.pdf" in help_text
    assert "OUT_key.pdf" in help_text
    assert ", ".join(TOPICS) in help_text


@pytest.mark.parametrize(("argv", "message"), [
    (["--topics", "output-size,padding"],
     r"convviz: error: `topics\[1\]` must be one of \['output-size', .*\], got 'padding'"),
    (["--topics", ","], r"convviz: error: `topics` must name at least one of "),
    (["--n", "0"], r"convviz: error: `n` must be an integer from 1 to 40, got 0"),
    (["--n", "41"], r"convviz: error: `n` must be an integer from 1 to 40, got 41"),
    (["--n", "many"], r"convviz worksheet: argument --n: invalid int value: 'many'"),
    (["--seed", "-1"], r"convviz: error: `seed` must be an integer >= 0, got -1"),
    (["-o", "{tmp}/sheet.png"], r"convviz: error: -o must name a .pdf file, got '.*sheet.png'"),
])
def test_bad_settings_give_one_line_and_exit_code_2_and_write_nothing(tmp_path, capsys, argv,
                                                                       message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "sheet.pdf")]
    assert main(["worksheet", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.match(message, err.strip())
    assert list(tmp_path.iterdir()) == []
