"""Printable worksheets: the PDFs parse, the prompts print as text and grids, the key's
answers are the questions' own, nothing runs past a margin, the same input gives the same
bytes, and errors name the argument."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D
from pdf_text import page_count, pdf_pages, pdf_text

from convviz.draw.plot_lock import PLOT_LOCK
from convviz.teach.question_bank import TOPICS, questions
from convviz.teach.questions import Mistake, Question
from convviz.teach.worksheet import (
    PAGE_SIZE,
    check_request,
    questions_pdf,
    version_name,
    worksheet_pages,
    worksheet_pdfs,
)
from convviz.teach.worksheet_cost import MAX_QUESTIONS, worksheet_cost

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TITLE = "Worksheet: output size, convolution"
VERSION = "Version B (seed 1)"
MARGIN = 0.6  # inches: nothing is drawn nearer the paper's edge


def _table(a) -> str:
    """A grid as the question generators write it: numbered columns and rows."""
    a = np.asarray(a)
    head = "|   | " + " | ".join(str(c) for c in range(a.shape[1])) + " |"
    rule = "|---|" + "---|" * a.shape[1]
    rows = [f"| **{r}** | " + " | ".join(str(int(v)) for v in row) + " |"
            for r, row in enumerate(a)]
    return "\n".join([head, rule, *rows])


X = np.arange(25).reshape(5, 5) % 7 - 2  # every number distinct from the labels' order
K = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])

SIZE_Q = Question(
    "output-size", "output_size",
    "A **7 x 7** input goes through `torch.nn.Conv2d(1, 1, kernel_size=3)`. Its side?",
    (5.0,), "```\noutput = floor((7 - 3) / 1) + 1 = 5\n```\n\nThe output is **5 x 5**.",
    (Mistake("forgot the + 1", (4.0,), "The first window counts too."),))
CONV_Q = Question(
    "convolution", "conv_cell",
    f"Input (5 x 5):\n\n{_table(X)}\n\nKernel (3 x 3):\n\n{_table(K)}\n\n"
    "Bias: **1**. Stride 1, 1 cell of zero padding on every side. What is output cell "
    "**(row 0, column 2)**?",
    (-7.0,), "- the products add up to -8\n- plus the bias 1: **-7**",
    (Mistake("forgot the bias", (-8.0,), "The bias is added last."),),
    grids={"input": X.tolist(), "kernel": K.tolist(), "window": [-1, 1, 2, 4],
           "pads": [[1, 1], [1, 1]], "cell": [0, 2]})
X3 = np.stack([X, X.T, 2 - X], axis=-1)
CHANNELS_Q = Question(
    "channels", "conv_cell",
    "Input (5 x 5 x 3), channel by channel:\n\n"
    + "\n\n".join(f"channel {c}:\n\n{_table(X3[..., c])}" for c in range(3))
    + "\n\nKernel: all ones, 1 x 1 x 3. What is output cell (row 4, column 4)? "
    + "A long sentence follows so that the prompt has to wrap onto more lines than one "
    + "to fit between the margins of an A4 page, as a teacher's wordy question would.",
    (float(X3[4, 4].sum()),), "Add the three channels' values at (4, 4).",
    grids={"input": X3.tolist(), "kernel": np.ones((1, 1, 3)).tolist(),
           "window": [4, 4, 5, 5]})
FIELD_Q = Question(
    "receptive-field", "receptive_field",
    "| layer | kernel | stride |\n|---|---|---|\n| conv | 3 | 1 |\n| pool | 2 | 2 |\n\n"
    "How many input pixels wide is one unit's receptive field after both layers?",
    (4.0,), "1 + (3 - 1) = 3, then + (2 - 1) x 1 = 4.")
BIG = np.arange(144).reshape(12, 12) % 10
BIG_Q = Question(
    "convolution", "conv_cell", f"Input (12 x 12):\n\n{_table(BIG)}\n\nKernel 3 x 3 of ones. "
    "Output cell (5, 5)?", (float(BIG[5:8, 5:8].sum()),), "Add the nine values.",
    grids={"input": BIG.tolist(), "kernel": np.ones((3, 3)).tolist(),
           "window": [5, 5, 8, 8]})
QUESTIONS = [SIZE_Q, CONV_Q, CHANNELS_Q, FIELD_Q]


def _pages(questions, key=False, version=VERSION):
    with PLOT_LOCK, matplotlib.rc_context({"pdf.fonttype": 42}):
        figures = worksheet_pages(questions, title=TITLE, version=version, key=key)
        for fig in figures:
            FigureCanvasAgg(fig).draw()
    return figures


def test_the_sheet_is_an_a4_pdf_with_a_title_a_version_and_numbered_problems():
    pdf = questions_pdf(QUESTIONS, title=TITLE, version=VERSION)
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)
    assert len(boxes) == page_count(pdf) >= 1
    assert {(w, h) for w, h in boxes} == {(b"595.44", b"841.68")}  # 8.27 x 11.69 in
    lines = pdf_text(pdf).splitlines()
    assert lines[:2] == [TITLE, VERSION]
    assert f"convviz · Worksheet · {VERSION}" in lines
    assert f"page 1 of {page_count(pdf)}" in lines
    assert "Name:" in lines and "Date:" in lines
    numbers = [line for line in lines if re.fullmatch(r"\d+\.", line)]
    assert numbers == ["1.", "2.", "3.", "4."]
    assert lines.count("Answer:") == 4
    assert "(a whole number)" in lines


def test_prompts_print_as_plain_text_without_markdown():
    text = pdf_text(questions_pdf(QUESTIONS, title=TITLE, version=VERSION))
    assert ("A 7 x 7 input goes through torch.nn.Conv2d(1, 1, kernel_size=3). Its side?"
            in text.splitlines())
    assert "**" not in text and "`" not in text and "|" not in text and "---" not in text


def test_the_input_table_is_drawn_as_its_grid_cell_by_cell_with_the_window_outlined():
    lines = pdf_text(questions_pdf([CONV_Q], title=TITLE, version=VERSION)).splitlines()
    cells = [str(v) for v in X.ravel()]
    at = next(i for i in range(len(lines)) if lines[i:i + 25] == cells)  # reading order
    assert lines[at - 10:at] == [str(c) for c in range(5)] * 2  # column then row numbers
    assert "Input (5 x 5): padding dashed, window outlined" in lines
    [page] = _pages([CONV_Q])
    ax = page.axes[0]
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    cells_drawn = [p for p in rects if not p.get_fill() and p.get_linestyle() == "solid"
                   and p.get_linewidth() < 1]
    cw, ch = cells_drawn[0].get_width(), cells_drawn[0].get_height()
    assert len(cells_drawn) == 25 + 9  # the input's and the kernel's cells
    dashed = [p for p in rects if p.get_linestyle() != "solid"]
    assert len(dashed) == 7 * 7 - 25  # the padding ring, one cell wide
    [window] = [p for p in rects if p.get_linewidth() > 2]
    assert window.get_width() == pytest.approx(3 * cw)
    assert window.get_height() == pytest.approx(3 * ch)
    first = min(cells_drawn[:25], key=lambda p: (p.get_y(), p.get_x()))  # input cell (0, 0)
    assert window.get_x() == pytest.approx(first.get_x() + cw)  # from column 1
    assert window.get_y() == pytest.approx(first.get_y() - ch)  # from the padding row


def test_a_table_of_words_stays_a_table_and_channels_are_drawn_one_grid_each():
    lines = pdf_text(questions_pdf([FIELD_Q, CHANNELS_Q], title=TITLE,
                                   version=VERSION)).splitlines()
    at = lines.index("layer")
    assert lines[at:at + 9] == ["layer", "kernel", "stride", "conv", "3", "1", "pool", "2",
                                "2"]
    for c in range(3):
        assert f"channel {c}: window outlined" in lines
        cells = [str(v) for v in X3[..., c].ravel()]
        assert any(lines[i:i + 25] == cells for i in range(len(lines)))


def test_the_key_gives_each_answer_in_order_with_its_working_and_mistakes():
    key = questions_pdf(QUESTIONS, title=TITLE, version=VERSION, key=True)
    lines = pdf_text(key).splitlines()
    assert lines[:2] == ["Answer key", f"{TITLE}, {VERSION}"]
    assert f"convviz · Answer key · {VERSION}" in lines
    answers = [line.removeprefix("Answer: ") for line in lines if line.startswith("Answer: ")]
    assert answers == [q.answer_text() for q in QUESTIONS] == ["5", "-7", "3", "4"]
    assert "output = floor((7 - 3) / 1) + 1 = 5" in lines  # the working's code, as written
    assert "• plus the bias 1: -7" in lines
    assert ("Wrong answers and the mistake behind each: 4 (forgot the + 1)." in lines)


def _inside(box, w, h, margin):
    eps = 0.02 * 72
    return (box.x0 >= margin * 72 - eps and box.x1 <= (w - margin) * 72 + eps
            and box.y0 >= margin * 72 - eps and box.y1 <= (h - margin) * 72 + eps)


@pytest.mark.parametrize("key", [False, True])
def test_nothing_runs_past_a_margin_or_overlaps_and_problems_stay_on_one_page(key):
    questions = list(itertools.islice(itertools.cycle(QUESTIONS + [BIG_Q]), MAX_QUESTIONS))
    figures = _pages(questions, key=key)
    assert len(figures) > 1
    w, h = PAGE_SIZE
    for fig in figures:
        assert tuple(fig.get_size_inches()) == pytest.approx(PAGE_SIZE)
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        texts = [t for t in ax.texts if isinstance(t, Text) and t.get_text().strip()]
        to_points = Affine2D().scale(72 / fig.dpi)
        pt = [t.get_window_extent(renderer).transformed(to_points) for t in texts]
        for t, b in zip(texts, pt, strict=True):
            assert _inside(b, w, h, MARGIN), t.get_text()
        for p in [*ax.patches, *ax.lines]:
            assert _inside(p.get_window_extent(renderer).transformed(to_points), w, h, MARGIN)
        for (ta, a), (tb, b) in itertools.combinations(zip(texts, pt, strict=True), 2):
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (ta.get_text(), tb.get_text())
    pdf = questions_pdf(questions, title=TITLE, version=VERSION, key=key)
    pages = pdf_pages(pdf)
    assert len(pages) == len(figures)
    number = re.compile(r"\d+\.")
    seen = [int(line[:-1]) for page in pages for line in page if number.fullmatch(line)]
    assert seen == list(range(1, MAX_QUESTIONS + 1))
    if not key:  # each problem's number and its answer line are on the same page
        for page in pages:
            assert sum(map(bool, map(number.fullmatch, page))) == page.count("Answer:")


def test_the_same_questions_give_the_same_bytes():
    a = questions_pdf(QUESTIONS, title=TITLE, version=VERSION)
    assert questions_pdf(QUESTIONS, title=TITLE, version=VERSION) == a
    assert b"CreationDate" not in a
    assert questions_pdf(QUESTIONS[::-1], title=TITLE, version=VERSION) != a


def test_pages_of_the_sheet_and_of_the_key_as_png_for_a_look():
    ARTIFACTS.mkdir(exist_ok=True)
    bank = questions(["output-size", "convolution", "pooling"], 8, seed=3)
    for name, qs, key, page in [("sheet", QUESTIONS, False, 0), ("key", QUESTIONS, True, 0),
                                ("bank_sheet", bank, False, 0), ("bank_sheet", bank, False, 2),
                                ("bank_key", bank, True, 0)]:
        fig = _pages(qs, key=key, version="Version D (seed 3)" if "bank" in name
                     else VERSION)[page]
        path = ARTIFACTS / f"worksheet_{name}_page{page + 1}.png"
        with PLOT_LOCK:
            fig.savefig(path, dpi=100)
        from PIL import Image

        with Image.open(path) as img:
            assert img.size == (827, 1169)


def test_version_names_count_like_spreadsheet_columns():
    assert [version_name(s) for s in (0, 1, 3, 25, 26, 51, 52)] == [
        "A", "B", "D", "Z", "AA", "AZ", "BA"]


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True, None])
def test_a_bad_seed_is_named(seed):
    with pytest.raises(ValueError, match=r"`seed` must be an integer >= 0, got "):
        version_name(seed)


@pytest.mark.parametrize(("questions", "error", "match"), [
    ([], ValueError, r"`questions` must hold at least one Question, got none"),
    (["5"], TypeError, r"`questions` must be a sequence of Question"),
    (SIZE_Q, TypeError, r"`questions` must be a sequence of Question"),
])
def test_bad_questions_are_refused(questions, error, match):
    with pytest.raises(error, match=match):
        questions_pdf(questions, title=TITLE, version=VERSION)
    assert not PLOT_LOCK.locked()


# --- worksheets from the question bank ---------------------------------------------------

ALL_TOPICS = list(TOPICS)


def test_each_answer_in_the_key_is_the_engines_answer_in_order():
    sheet, key = worksheet_pdfs(ALL_TOPICS, 14, seed=3)
    regenerated = questions(ALL_TOPICS, 14, seed=3)  # each answer computed by the engine
    lines = pdf_text(key).splitlines()
    answers = [line.removeprefix("Answer: ") for line in lines if line.startswith("Answer: ")]
    assert answers == [q.answer_text() for q in regenerated]
    sheet_lines = pdf_text(sheet).splitlines()
    assert sheet_lines[:3] == ["Worksheet: output size, convolution, pooling,",  # wrapped
                               "parameters, receptive field, transposed, shapes",
                               "Version D (seed 3)"]
    assert sheet_lines.count("Answer:") == 14
    hints = [line for line in sheet_lines if line.startswith("(") and line.endswith(")")]
    assert hints == [f"({q.answer_hint})" for q in regenerated]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_version():
    a = worksheet_pdfs("output-size,convolution,pooling", 8, seed=3)
    assert worksheet_pdfs(["output-size", "convolution", "pooling"], 8, seed=3) == a
    b = worksheet_pdfs("output-size,convolution,pooling", 8, seed=4)
    assert b[0] != a[0] and b[1] != a[1]
    text_a, text_b = pdf_text(a[0]), pdf_text(b[0])
    assert "Version D (seed 3)" in text_a and "Version E (seed 4)" in text_b
    problems = [pdf_text(x).split("1.", 1)[1] for x in (a[0], b[0])]
    assert problems[0] != problems[1]  # other problems, not only another name


@pytest.mark.parametrize(("topics", "n", "seed", "error", "match"), [
    ("output-size", 0, 0, ValueError, r"`n` must be an integer from 1 to 40, got 0"),
    ("output-size", 41, 0, ValueError, r"`n` must be an integer from 1 to 40, got 41"),
    ("output-size", 2.0, 0, ValueError, r"`n` must be an integer from 1 to 40, got 2.0"),
    ("output-size", True, 0, ValueError, r"`n` must be an integer from 1 to 40, got True"),
    ("output-size", 8, -1, ValueError, r"`seed` must be an integer >= 0, got -1"),
    ("output-size", 8, "3", ValueError, r"`seed` must be an integer >= 0, got '3'"),
    ("output-size,padding", 8, 0, ValueError,
     r"`topics\[1\]` must be one of \['output-size', 'convolution', 'pooling', "
     r"'parameters', 'receptive-field', 'transposed', 'shapes'\], got 'padding'"),
    ("", 8, 0, ValueError, r"`topics` must name at least one of "),
    (None, 8, 0, TypeError, r"`topics` must be a list of topics"),
])
def test_bad_settings_are_refused_naming_the_argument(topics, n, seed, error, match):
    with pytest.raises(error, match=match):
        worksheet_pdfs(topics, n, seed)
    with pytest.raises(error, match=match):
        check_request(topics, n, seed)


def test_the_page_estimate_holds_for_the_costliest_topic():
    """Convolution problems (grids of numbers) take the most room: eight of them fill ten
    pages over the sheet and the key, which the estimate allows (it said six)."""
    sheet, key = worksheet_pdfs(["convolution"], 8, seed=1)
    assert page_count(sheet) + page_count(key) <= worksheet_cost(8).frames
    with pytest.raises(ValueError, match=r"`n` must be an integer from 1 to 40, got 41"):
        worksheet_cost(MAX_QUESTIONS + 1)
