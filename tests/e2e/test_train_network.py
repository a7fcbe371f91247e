"""The training page's *Whole network* tab in a real browser: the columns from the input to
the softmax are drawn, hovering a unit lights what it reads, clicking one brings its numbers
from Python; on a freshly trained model and on a loaded one; screenshots at 1024 and 1440."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import load_model_file, shot, wait_idle
from .test_train import _train_to

VIEW = ".cvn[data-ready]"
HEAD = re.compile(r"^(\S+), map (\d+), row (\d+), column (\d+)")


def _open_tab(page) -> None:
    page.get_by_role("tab", name="Whole network").click()
    wait_idle(page)
    page.wait_for_selector(VIEW)
    assert page.locator('[data-testid="stException"]').count() == 0


def _unit_heading(page) -> str:
    return page.locator("strong").filter(has_text=HEAD).first.inner_text()


def _click_unit(page, name: str, fx: float, fy: float) -> str:
    """Click the column ``name``'s maps at a fraction of their size; return the read-out."""
    canvas = page.locator(f'.cvn-col[data-name="{name}"] canvas.cvn-maps')
    box = canvas.bounding_box()
    x, y = box["width"] * fx, box["height"] * fy
    canvas.hover(position={"x": x, "y": y})
    said = page.locator(".cvn-readout").inner_text()
    assert said.startswith(f"{name}: map ") and said.endswith("click for its numbers")
    canvas.click(position={"x": x, "y": y})
    return said.split(": click")[0]


def _check_columns(page, names: list[str]) -> None:
    cols = page.locator(".cvn-col")
    assert [cols.nth(i).get_attribute("data-name") for i in range(cols.count())] == names
    # every coloured column has its legend, and no text is under 12 px
    assert page.locator(".cvn-legend").count() >= len(names)
    sizes = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        e.shadowRoot ? [...e.shadowRoot.querySelectorAll('.cvn *')] : [])
        .filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3
                     && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 12, sizes


def _click_and_read(page) -> None:
    said = _click_unit(page, "conv2d_1", 0.3, 0.2)
    page.wait_for_function(
        """(want) => [...document.querySelectorAll('strong')].some(s =>
            s.innerText.startsWith(want))""", arg=said.replace("conv2d_1: ", "conv2d_1, "))
    wait_idle(page)
    heading = _unit_heading(page)
    assert heading == said.replace("conv2d_1: ", "conv2d_1, ")
    picked = page.locator(".cvn").get_attribute("data-picked")
    name, m, r, c = HEAD.match(heading).groups()
    assert picked == f"1:{int(r) - 1},{int(c) - 1},{int(m) - 1}"
    # the numbers: the lines under the grids end in the layer's own output
    caption = page.get_by_text("These are the numbers the network computed").inner_text()
    own, rebuilt = re.search(r"output here is (\S+); rebuilt .* it is (\S+)\.", caption).groups()
    assert abs(float(own) - float(rebuilt)) <= 1e-4 * max(1.0, abs(float(own)))
    expect(page.get_by_text(re.compile(r"products: their sum = "))).to_be_visible()
    # the widgets followed the click
    assert page.get_by_label(re.compile(r"^Map \(1 to")).input_value() == m
    # a ReLU unit reads the same cell: hovering it lights one cell of conv2d_1, in orange
    _click_unit(page, "relu_1", 0.25, 0.3)
    wait_idle(page)
    page.locator('.cvn-col[data-name="relu_1"] canvas.cvn-maps').hover(position={"x": 3, "y": 3})
    lit = page.locator('.cvn-col[data-name="conv2d_1"] canvas.cvn-over').evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0, orange = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i + 3]) { n++;
                    if (d[i] > 200 && d[i + 2] < 60) orange++; }
                  return [n, orange, c.width * c.height]; }""")
    assert 0 < lit[1] and lit[0] < lit[2] / 50, lit  # one small box, not the whole map
    expect(page.get_by_text(re.compile(r"passes it on if it is positive"))).to_be_visible()


def test_whole_network_of_a_freshly_trained_model(page, app_url):
    _train_to(page, app_url, 80)
    _open_tab(page)
    _check_columns(page, ["input", "conv2d_1", "relu_1", "max_pool2d_1", "conv2d_2", "relu_2",
                          "max_pool2d_2", "flatten_1", "dense_1", "softmax"])
    _click_and_read(page)
    # a unit of the second convolution reads 16 maps: the 4 that add most are shown
    _click_unit(page, "conv2d_2", 0.4, 0.3)
    expect(page.get_by_text(re.compile(r"^Shown: the 4 maps whose products add up to the "
                                       r"most \(by size\), of 16"))).to_be_visible()
    wait_idle(page)
    for width, height in ((1024, 768), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        _check_columns(page, ["input", "conv2d_1", "relu_1", "max_pool2d_1", "conv2d_2",
                              "relu_2", "max_pool2d_2", "flatten_1", "dense_1", "softmax"])
        page.locator(".cvn").scroll_into_view_if_needed()
        shot(page, f"train-whole-network-{width}")
    # the probabilities are labelled with the class names, and a row can be picked
    row = page.locator('.cvn-col[data-name="softmax"] .cvn-row[data-k="3"]')
    row.hover()
    assert page.locator(".cvn-readout").inner_text().startswith(
        "softmax: the probability of class 3")
    row.click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"^softmax, class “3”"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^p\(3\) = e\^\(z − max z\)"))).to_be_visible()


def test_whole_network_of_a_loaded_model(page, app_url, tmp_path):
    model = load_model_file(page, app_url, tmp_path)
    _open_tab(page)
    names = ["input"] + [layer.name for layer in model.layers] + ["softmax"]
    _check_columns(page, names)
    _click_and_read(page)
