"""Every grid of numbers reads from the back of a room: at 1024x768 no number in a grid view
is under 12 px, every coloured grid has its legend, static grids show no player; at
1920x1080 the same numbers are drawn larger. Pictures that stay pictures (the feature maps)
are shown at their own size, never scaled down. Screenshots at both sizes."""

from __future__ import annotations

from playwright.sync_api import expect

from convviz.draw.pool_shift import SHARED_LEGEND

from .conftest import shot, wait_idle

VIEWPORTS = ((1024, 768), (1920, 1080))

# Every grid view on the page: its key, and per panel the numbers' computed font sizes and
# heights (numbers hidden behind a hover read-out count as not shown), whether the panel
# has a legend and how large its legend's text is; how many player parts (bar, Play, step
# counter) and "label = value" lines it has.
GRIDS_JS = """() => {
  const out = [];
  for (const host of document.querySelectorAll('*')) {
    const root = host.shadowRoot && host.shadowRoot.querySelector('.cvg');
    if (!root || !root.getBoundingClientRect().width) continue;
    const box = host.closest('[class*="st-key-"]');
    const key = box && [...box.classList].find((c) => c.startsWith('st-key-')).slice(7);
    const panels = [...root.querySelectorAll('.cvg-panel')].map((p) => {
      const grid = p.querySelector('.cvg-grid');
      const hidden = grid.classList.contains('nonum');
      const nums = [...p.querySelectorAll('.cvg-num')].filter((n) => n.textContent);
      const colours = new Set([...p.querySelectorAll('.cvg-cell')]
        .map((c) => c.style.background));
      const ticks = [...p.querySelectorAll('.cvg-legend-ticks span')];
      const title = p.querySelector('.cvg-legend-title');
      return {id: p.dataset.panel, hidden, n: nums.length, coloured: colours.size > 1,
              legend: !!p.querySelector('.cvg-legend'),
              legendTitle: title ? title.textContent : null,
              sizes: hidden ? [] : nums.map((n) => parseFloat(getComputedStyle(n).fontSize)),
              heights: hidden ? [] : nums.map((n) => n.getBoundingClientRect().height),
              ticks: ticks.map((t) => parseFloat(getComputedStyle(t).fontSize))};
    });
    out.push({key, panels,
              bar: root.querySelectorAll('.cvg-bar, .cvg-play, [data-convviz-step]').length,
              where: root.querySelectorAll('.cvg-eq-where').length});
  }
  return out;
}"""

# The pictures in the live part of the training page: drawn width against their own.
IMAGES_JS = """() => [...document.querySelectorAll(
    '.st-key-train-live [data-testid="stImage"] img')]
  .map((i) => ({natural: i.naturalWidth, shown: i.getBoundingClientRect().width}))"""
BIGGEST = 28  # px: the grid view's largest number (grid.js); a grid drawn at it cannot grow


def _grids(page, want: set[str]) -> dict[str, dict]:
    """The grid views of the page by key, once those in ``want`` are drawn; each checked:
    numbers at 12 px or more, a legend on every coloured grid, no player, no value line."""
    page.wait_for_function(
        f"() => {{ const keys = ({GRIDS_JS})().map((g) => g.key);"
        f" return {sorted(want)!r}.every((k) => keys.includes(k)); }}")
    grids = {g["key"]: g for g in page.evaluate(GRIDS_JS)}
    for key, g in grids.items():
        if key not in want:
            continue
        # A static grid: no player (so no second Play button or step counter on the page)
        # and no "label = value" line.
        assert g["bar"] == 0 and g["where"] == 0, key
        # Grids on one colour scale may share one legend that says so.
        shared = any(p["legendTitle"] == SHARED_LEGEND for p in g["panels"])
        for p in g["panels"]:
            where = f"{key}/{p['id']}"
            assert p["hidden"] or p["n"], where
            assert min(p["sizes"], default=12) >= 12, (where, p["sizes"])
            assert min(p["heights"], default=12) >= 12, (where, p["heights"])
            assert p["legend"] or shared or not p["coloured"], where
            assert min(p["ticks"], default=12) >= 12, where
    return grids


def _largest(grid: dict) -> float:
    return max(s for p in grid["panels"] for s in p["sizes"])


def _grew(sizes: dict[tuple[str, int], float], keys) -> None:
    """At 1920 px every grid's numbers are larger than at 1024 (or already the largest)."""
    for key in keys:
        assert sizes[key, 1920] > sizes[key, 1024] or sizes[key, 1024] >= BIGGEST, (key, sizes)


def _context(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()  # a new session each time
    page.set_default_timeout(30_000)
    return context, page


def test_static_grids_read_at_1024_and_grow_at_1920(browser, app_url):
    sizes: dict[tuple[str, int], float] = {}
    for width, height in VIEWPORTS:
        context, page = _context(browser, width, height)
        page.goto(app_url)
        wait_idle(page)
        grids = _grids(page, {"home-digit", "home-rgb"})
        assert not grids["home-digit"]["panels"][0]["hidden"]  # 64 numbers, all shown
        assert all(not p["hidden"] for p in grids["home-rgb"]["panels"])
        sizes["home-digit", width] = _largest(grids["home-digit"])
        sizes["home-rgb", width] = _largest(grids["home-rgb"])
        shot(page, f"readable-home-{width}")

        page.goto(f"{app_url}/convolution?conv.pad=1")
        wait_idle(page)
        page.get_by_text("Why the border counts less").click()
        grids = _grids(page, {"conv-coverage"})
        assert not grids["conv-coverage"]["panels"][0]["hidden"]
        sizes["conv-coverage", width] = _largest(grids["conv-coverage"])
        page.locator(".st-key-conv-coverage").scroll_into_view_if_needed()
        shot(page, f"readable-convolution-{width}")

        page.goto(f"{app_url}/image_filters")
        wait_idle(page)
        grids = _grids(page, {"img-detail_grid"})
        assert [p["id"] for p in grids["img-detail_grid"]["panels"]] == [
            "pixels", "kernel", "products"]
        assert all(not p["hidden"] for p in grids["img-detail_grid"]["panels"])
        sizes["img-detail_grid", width] = _largest(grids["img-detail_grid"])
        shot(page, f"readable-image_filters-{width}")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
    _grew(sizes, ("home-digit", "home-rgb", "conv-coverage", "img-detail_grid"))
    assert sizes["home-digit", 1920] > sizes["home-digit", 1024]


def _train_briefly(page, app_url: str) -> None:
    page.goto(app_url)  # the first run of app.py registers the navigation
    wait_idle(page)
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    wait_idle(page)


def test_the_training_pages_grids_read_at_1024_and_grow_at_1920(browser, app_url):
    sizes: dict[tuple[str, int], float] = {}
    live = {"train-filters", "train-vec-6", "train-vec-7", "train-confusion"}
    for width, height in VIEWPORTS:
        context, page = _context(browser, width, height)
        _train_briefly(page, app_url)
        grids = _grids(page, live)
        filters = grids["train-filters"]["panels"]
        assert len(filters) == 16 and all(not p["hidden"] for p in filters)
        assert not grids["train-vec-7"]["panels"][0]["hidden"]  # 10 class scores: shown
        confusion = grids["train-confusion"]["panels"][0]
        assert not confusion["hidden"] and confusion["n"] == 11 * 11 - 1
        flat = grids["train-vec-6"]["panels"][0]  # 512 numbers: in small cells, hidden
        if flat["hidden"]:  # then a hovered cell is read out
            view = page.locator(".st-key-train-vec-6")
            view.locator(".cvg-cell").nth(3).hover()
            expect(view.locator(".cvg-readout")).to_contain_text("[0, 3] = ")
        for key in ("train-filters", "train-confusion", "train-vec-7"):
            sizes[key, width] = _largest(grids[key])
        images = page.evaluate(IMAGES_JS)
        assert len(images) >= 5  # the sample and the feature maps of every 3-D layer
        for img in images:
            assert img["shown"] >= img["natural"] - 1, img  # never scaled down
        shot(page, f"readable-train-{width}")
        page.get_by_role("tab", name="Step by step").click()
        wait_idle(page)
        grids = _grids(page, {"train-sv_grid"})
        assert all(not p["hidden"] for p in grids["train-sv_grid"]["panels"])
        sizes["train-sv_grid", width] = _largest(grids["train-sv_grid"])
        page.locator(".st-key-train-sv_grid").scroll_into_view_if_needed()
        shot(page, f"readable-train-step-{width}")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
    _grew(sizes, ("train-filters", "train-confusion", "train-vec-7", "train-sv_grid"))


# Text the page writes in HTML beside its pictures: image captions and colour legends (their
# titles and tick labels), with their computed font sizes. A picture itself carries no text
# unless it is shown at its own size (then its text is drawn at 12 px or more).
TEXTS_JS = """(sel) => [...document.querySelectorAll(sel)]
  .filter((e) => e.getBoundingClientRect().width > 0)
  .map((e) => ({text: e.textContent, size: parseFloat(getComputedStyle(e).fontSize),
                height: e.getBoundingClientRect().height}))"""
# Every picture on the page: its drawn width against its own, and its caption.
PICTURES_JS = """() => [...document.querySelectorAll('[data-testid="stImage"] img')]
  .map((i) => {
    const own = i.closest('[data-testid="stImageContainer"]');  // one of a list of images
    const text = (e) => (e ? e.innerText.trim() : '');
    return {natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
            caption: text(own) || text(i.closest('[data-testid="stImage"]'))};
  })"""
LEGEND_TICKS = '[data-testid="stHtml"] .cv-legend-ticks span'
LEGEND_TITLES = '[data-testid="stHtml"] .cv-legend-title'


def _pictures(page, n: int) -> list[dict]:
    """The page's pictures once ``n`` of them have loaded."""
    page.wait_for_function(f"() => ({PICTURES_JS})().filter((p) => p.natural > 0).length"
                           f" >= {n}")
    return page.evaluate(PICTURES_JS)


def _texts(page, selector: str) -> list[dict]:
    return page.evaluate(TEXTS_JS, selector)


def _all_read(texts: list[dict], what: str) -> None:
    assert texts, what
    for t in texts:
        assert t["size"] >= 12 and t["height"] >= 12, (what, t)


VIEWPORTS_3 = ((1024, 768), (1440, 900), (1920, 1080))


def test_the_pooling_shift_demo_reads_at_1024_and_grows_at_1920(browser, app_url):
    sizes: dict[tuple[str, int], float] = {}
    for width, height in VIEWPORTS:
        context, page = _context(browser, width, height)
        page.goto(app_url)
        wait_idle(page)
        page.goto(f"{app_url}/pooling")
        wait_idle(page)
        grids = _grids(page, {"pool-shift"})
        panels = grids["pool-shift"]["panels"]
        assert [p["id"] for p in panels] == ["map0", "pool0", "map1", "pool1", "map2", "pool2"]
        assert all(not p["hidden"] and p["n"] for p in panels)  # every number shown
        assert sum(p["legend"] for p in panels) == 1  # one legend for the six grids
        sizes["pool-shift", width] = _largest(grids["pool-shift"])
        # No picture of numbers on the page (the old shift demo was one, scaled down).
        assert page.locator('[data-testid="stImage"]').count() == 0
        page.locator(".st-key-pool-shift").scroll_into_view_if_needed()
        shot(page, f"readable-pooling-{width}")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
    _grew(sizes, ("pool-shift",))


def test_the_window_strip_labels_read_at_1024(browser, app_url):
    for width, height in VIEWPORTS:
        context, page = _context(browser, width, height)
        page.goto(app_url)
        wait_idle(page)
        page.goto(f"{app_url}/output_size?size.s=2&size.p=1")  # 7x7, 3x3, stride 2: 16
        wait_idle(page)
        pictures = _pictures(page, 16)
        strip = [p for p in pictures if p["caption"].startswith("window ")]
        assert [p["caption"] for p in strip] == [f"window {i}" for i in range(1, 17)]
        for p in strip:  # the thumbnails: never scaled down
            assert p["shown"] >= p["natural"] - 1, p
        _all_read(_texts(page, '[data-testid="stImageCaption"] p'), "strip labels")
        # Any other picture with text in it is shown at its own size (none is scaled down).
        for p in pictures:
            assert p["shown"] >= p["natural"] - 1, p
        page.get_by_text("Every window position").scroll_into_view_if_needed()
        shot(page, f"readable-output_size-{width}")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()


def test_the_feature_map_legends_read_at_1024_1440_and_1920(browser, app_url):
    for width, height in VIEWPORTS_3:
        context, page = _context(browser, width, height)
        page.goto(app_url)
        wait_idle(page)
        page.goto(f"{app_url}/image_filters?img.view=rgb")  # the sample: 512x437, colour
        wait_idle(page)
        # The photo, then three feature maps and the four channel responses, each with its
        # legend in HTML.
        maps = [p for p in _pictures(page, 1 + 3 + 4) if p["caption"].endswith(")")
                and "Grace" not in p["caption"]]
        titles = _texts(page, LEGEND_TITLES)
        assert len(titles) == 3 + 4, titles
        _all_read(titles, "legend titles")
        ticks = _texts(page, LEGEND_TICKS)
        assert len(ticks) == 3 * len(titles), ticks
        _all_read(ticks, "legend ticks")
        # The pictures carry no text of their own: the 437 px wide map only, no colour bar.
        assert [p["natural"] for p in maps] == [437] * 7, maps
        shot(page, f"readable-image_filters-maps-{width}")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
