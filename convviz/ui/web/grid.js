// convviz grid view: panels of number grids for a whole step sequence, played in the browser.
//
// The payload (schema in convviz/draw/grid_data.py) arrives once per rerun. Everything a
// frame shows (lit window, products, equation, output cell, step counter) is set by one
// synchronous call of show(), so the parts of a step always agree. Python hears the step
// (setStateValue("pick", {step, seq})) only when playback stops or the user steps, scrubs
// or pins a cell; hovering sends nothing.

const SPEEDS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30]; // steps per second
const DEFAULT_SPEED = 2;
const MIN_FONT = 12; // px: never smaller; hide the numbers (hover read-out) instead
const MAX_CELL = 72; // px
const CHAR_EM = 0.58; // a digit's width in em, a little over the font's, for fitting
const GAP = 18; // px between panels
const MIN_COL = 120; // px: the narrowest a column of panels gets (title, legend)
const INSTANCES = new WeakMap(); // parentElement -> state of one mounted grid view

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function textColor(hex) {
  // The rule of convviz.draw.render._text_color: black on light cells, white on dark.
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000000" : "#ffffff";
}

function create(parent) {
  const root = el("div", "cvg");
  root.tabIndex = 0;
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "Step-by-step grids: space plays or pauses, arrows step");
  const bar = el("div", "cvg-bar");
  const play = el("button", "cvg-play", "Play");
  play.type = "button";
  const back = el("button", "cvg-back", "◀");
  back.type = "button";
  back.setAttribute("aria-label", "Step back");
  const fwd = el("button", "cvg-fwd", "▶");
  fwd.type = "button";
  fwd.setAttribute("aria-label", "Step forward");
  const scrub = el("input", "cvg-scrub");
  scrub.type = "range";
  scrub.min = "1";
  scrub.setAttribute("aria-label", "Step");
  const counter = el("span", "cvg-counter");
  const speedLabel = el("label", "cvg-speed-label", "Speed ");
  const speed = el("select", "cvg-speed");
  speed.setAttribute("aria-label", "Speed (steps per second)");
  for (const s of SPEEDS) {
    const o = el("option", null, String(s));
    o.value = String(s);
    speed.appendChild(o);
  }
  speed.value = String(DEFAULT_SPEED);
  speedLabel.append(speed, document.createTextNode(" steps/s"));
  bar.append(play, back, fwd, scrub, counter, speedLabel);
  const rows = el("div", "cvg-rows");
  const eq = el("div", "cvg-eq");
  const readout = el("div", "cvg-readout");
  readout.setAttribute("aria-live", "polite");
  root.append(bar, rows, eq, readout);
  parent.appendChild(root);
  const st = {
    root, play, back, fwd, scrub, counter, speed, rows, eq, readout,
    data: null, token: null, cur: 0, shown: -1, playing: false, interval: 1000 / DEFAULT_SPEED,
    due: 0, raf: 0, seq: 0, pending: null, lastDataStep: null, panels: [], width: 0,
    setStateValue: null, hoverSource: null,
  };
  play.addEventListener("click", () => (st.playing ? pause(st, true) : start(st)));
  back.addEventListener("click", () => go(st, st.cur - 1));
  fwd.addEventListener("click", () => go(st, st.cur + 1));
  scrub.addEventListener("input", () => {
    stop(st);
    show(st, Number(scrub.value) - 1);
  });
  scrub.addEventListener("change", () => go(st, Number(scrub.value) - 1));
  speed.addEventListener("change", () => {
    st.interval = 1000 / Number(speed.value);
    st.due = performance.now() + st.interval;
  });
  root.addEventListener("keydown", (e) => onKey(st, e));
  rows.addEventListener("mouseleave", () => unhover(st));
  st.resize = new ResizeObserver(() => {
    const w = root.clientWidth;
    if (st.data && Math.abs(w - st.width) > 1) {
      layout(st);
    }
  });
  st.resize.observe(root);
  return st;
}

function onKey(st, e) {
  if (!st.data || st.data.n_steps < 2) return; // one step: nothing to play or step
  const t = e.composedPath ? e.composedPath()[0] : e.target;
  const tag = t && t.tagName;
  if (tag === "SELECT") return;
  if (e.key === " " || e.code === "Space") {
    if (tag === "BUTTON") return; // the button's own click
    e.preventDefault();
    st.playing ? pause(st, true) : start(st);
  } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
    if (tag === "INPUT") return; // the slider moves itself and reports on change
    e.preventDefault();
    go(st, st.cur + (e.key === "ArrowRight" ? 1 : -1));
  }
}

// ---- Python <-> browser -------------------------------------------------------------

function send(st) {
  st.seq = Math.max(st.seq + 1, Date.now());
  st.pending = st.cur;
  if (st.setStateValue) st.setStateValue("pick", { step: st.cur, seq: st.seq });
}

function go(st, i) {
  stop(st);
  const j = Math.max(0, Math.min(st.data.n_steps - 1, i));
  show(st, j);
  st.cur = j;
  send(st);
}

// ---- playback -------------------------------------------------------------------------

function start(st) {
  if (st.playing) return;
  if (st.cur >= st.data.n_steps - 1) {
    st.cur = 0; // Play at the end starts over
    show(st, 0);
  }
  st.playing = true;
  st.play.textContent = "Pause";
  st.scrub.disabled = false;
  st.due = performance.now() + st.interval;
  const tick = (now) => {
    if (!st.playing) return;
    if (now >= st.due) {
      if (st.cur >= st.data.n_steps - 1) {
        pause(st, true);
        return;
      }
      st.cur += 1;
      show(st, st.cur); // one step per frame at most: every step is shown
      st.due += st.interval;
      if (st.due < now) st.due = now + st.interval; // fell behind: do not burst
      if (st.cur >= st.data.n_steps - 1) {
        pause(st, true);
        return;
      }
    }
    st.raf = requestAnimationFrame(tick);
  };
  st.raf = requestAnimationFrame(tick);
}

function stop(st) {
  if (st.raf) cancelAnimationFrame(st.raf);
  st.raf = 0;
  if (st.playing) {
    st.playing = false;
    st.play.textContent = "Play";
  }
}

function pause(st, tell) {
  const was = st.playing;
  stop(st);
  if (was && tell) send(st);
}

// ---- building the panels --------------------------------------------------------------

function build(st) {
  const d = st.data;
  st.rows.textContent = "";
  st.panels = [];
  const byId = new Map(d.panels.map((p) => [p.id, p]));
  for (const rowIds of d.layout) {
    const row = el("div", "cvg-row");
    const cols = [];
    for (const colIds of rowIds) {
      const col = el("div", "cvg-col");
      const members = [];
      for (const id of colIds) {
        const p = byId.get(id);
        const view = buildPanel(st, p);
        col.appendChild(view.fig);
        members.push(view);
        st.panels.push(view);
      }
      row.appendChild(col);
      const longest = Math.max(...members.map((m) => longestText(m.p)));
      cols.push({ el: col, members, span: Math.max(...members.map((m) => m.p.cols)),
                  least: Math.min(MAX_CELL, Math.ceil(CHAR_EM * longest * 14 + 6)) });
    }
    st.rows.appendChild(row);
    row._cols = cols;
  }
  // Inverse maps for linking: which steps use a source cell, which step makes a target cell.
  st.feeds = new Map();
  d.steps.window.forEach((cells, s) => {
    for (const c of cells) {
      if (!st.feeds.has(c)) st.feeds.set(c, []);
      st.feeds.get(c).push(s);
    }
  });
  st.stepOf = new Map();
  if (d.steps.target) d.steps.target.forEach((c, s) => st.stepOf.set(c, s));
  st.byId = new Map(st.panels.map((v) => [v.p.id, v])); // for a panel's "links"
  st.scrub.max = String(d.n_steps);
  st.scrub.disabled = d.n_steps < 2;
  const bar = st.play.parentElement;
  bar.style.display = d.n_steps < 2 ? "none" : ""; // one step: no player
  if (d.n_steps < 2) bar.remove(); // nor its step counter and controls in the page
  else if (bar.parentNode !== st.root) st.root.prepend(bar);
  st.lit = [];
  st.litTargets = [];
  layout(st);
}

function buildPanel(st, p) {
  const fig = el("figure", "cvg-panel");
  fig.dataset.panel = p.id;
  fig.dataset.role = p.role;
  fig.appendChild(el("figcaption", "cvg-title", p.title));
  if (p.caption) fig.appendChild(el("div", "cvg-caption", p.caption));
  const grid = el("div", "cvg-grid");
  grid.style.gridTemplateColumns = `repeat(${p.cols}, var(--cell))`;
  const cells = [];
  for (let i = 0; i < p.rows * p.cols; i++) {
    const c = el("div", "cvg-cell");
    c.dataset.cell = String(i);
    const span = el("span", "cvg-num");
    c.appendChild(span);
    if (p.flags && p.flags[i] & 1) c.classList.add("pad");
    if (p.flags && p.flags[i] & 2) c.classList.add("mark");
    grid.appendChild(c);
    cells.push(c);
  }
  fig.appendChild(grid);
  const note = el("div", "cvg-note");
  if (p.notes) fig.appendChild(note);
  const view = { p, fig, grid, cells, note, legendTicks: null };
  if (p.legend) fig.appendChild(buildLegend(p.legend, view));
  paint(st, view, p.text, p.colors);
  grid.addEventListener("mouseover", (e) => {
    const cell = e.target.closest(".cvg-cell");
    if (cell) hover(st, view, Number(cell.dataset.cell));
  });
  grid.addEventListener("click", (e) => {
    const cell = e.target.closest(".cvg-cell");
    if (cell && p.role === "target") {
      const s = st.stepOf.get(Number(cell.dataset.cell));
      if (s !== undefined) go(st, s); // pin this step
    }
  });
  return view;
}

function buildLegend(lg, view) {
  const box = el("div", "cvg-legend");
  box.appendChild(el("div", "cvg-legend-title", lg.title));
  const bar = el("div", "cvg-legend-bar");
  bar.style.background = `linear-gradient(to right, ${lg.colors.join(", ")})`;
  const ticks = el("div", "cvg-legend-ticks");
  for (const t of lg.ticks) ticks.appendChild(el("span", null, t));
  box.append(bar, ticks);
  view.legendTicks = ticks;
  return box;
}

function paint(st, view, text, colors) {
  const pal = st.data.palette;
  for (let i = 0; i < view.cells.length; i++) {
    const c = view.cells[i];
    const hex = pal[colors[i]];
    if (c._hex !== hex) {
      c.style.background = c.classList.contains("pad")
        ? `repeating-linear-gradient(135deg, ${hex} 0 5px, #b9b9b9 5px 6px)`
        : hex;
      c.style.color = textColor(hex);
      c._hex = hex;
    }
    if (c._text !== text[i]) {
      c.firstChild.textContent = text[i];
      c._text = text[i];
    }
  }
}

// ---- sizes: cells scale with the column, numbers never under MIN_FONT -----------------

function layout(st) {
  const width = st.root.clientWidth || 600;
  st.width = width;
  for (const row of st.rows.children) {
    const cols = row._cols;
    const span = cols.reduce((a, c) => a + c.span, 0);
    const room = width - GAP * (cols.length - 1) - 8;
    // Small grids (a kernel, its products) get cells their longest number fits at 14 px.
    const cellOf = (col, fit) => (col.span <= 4 ? Math.max(fit, col.least) : fit);
    const need = (fit) => cols.reduce((a, c) => a + Math.max(cellOf(c, fit) * c.span,
                                                             MIN_COL), 0);
    let fit = Math.min(MAX_CELL, Math.floor(room / span));
    while (fit > 30 && need(fit) > room) fit -= 1; // a column is at least MIN_COL wide
    const together = fit >= 30 && need(fit) <= room;
    for (const col of cols) {
      // Side by side when the row fits with readable cells; else each column on its own.
      const own = Math.min(MAX_CELL, Math.floor((width - 8) / col.span));
      const cell = Math.max(14, together ? Math.min(MAX_CELL, cellOf(col, fit)) : own);
      for (const m of col.members) sizePanel(m, cell);
    }
  }
}

function longestText(p) {
  if (p._longest === undefined) {
    let longest = 1;
    const texts = [p.text, ...(p.frames || []).map((f) => f.text)];
    for (const t of texts) for (const s of t) longest = Math.max(longest, s.length);
    p._longest = longest;
  }
  return p._longest;
}

function sizePanel(view, cell) {
  const p = view.p;
  const base = Math.min(28, Math.round(cell * 0.44));
  const fitted = Math.floor((cell - 6) / (CHAR_EM * longestText(p)));
  const font = Math.min(base, fitted);
  view.grid.style.setProperty("--cell", `${cell}px`);
  view.fig.style.setProperty("--cell", `${cell}px`);
  const hide = font < MIN_FONT;
  view.grid.classList.toggle("nonum", hide);
  view.grid.style.fontSize = `${Math.max(MIN_FONT, font)}px`;
  const w = Math.max(cell * p.cols + 1, MIN_COL);
  view.fig.style.width = `${w}px`;
  const legend = view.fig.querySelector(".cvg-legend");
  if (legend) legend.style.width = `${Math.min(w, 240)}px`;
}

// ---- one frame ------------------------------------------------------------------------

function show(st, i) {
  const d = st.data;
  const s = d.steps;
  st.shown = i;
  st.counter.textContent = `Step ${i + 1} of ${d.n_steps}`;
  st.counter.dataset.convvizStep = String(i + 1);
  st.scrub.value = String(i + 1);
  for (const c of st.lit) c.classList.remove("win", "mark-step");
  st.lit = [];
  for (const v of st.panels) {
    const p = v.p;
    if (p.role === "source") {
      for (const c of s.window[i]) {
        v.cells[c].classList.add("win");
        st.lit.push(v.cells[c]);
      }
      if (s.marks) {
        for (const c of s.marks[i]) {
          v.cells[c].classList.add("mark-step");
          st.lit.push(v.cells[c]);
        }
      }
    } else if (p.role === "target") {
      const here = s.target[i];
      for (let c = 0; c < v.cells.length; c++) {
        const step = st.stepOf.get(c);
        v.cells[c].classList.toggle("hidden", p.reveal && step !== undefined && step > i);
        v.cells[c].classList.toggle("cur", c === here);
      }
    }
    if (p.frames) {
      const f = p.frames[i];
      paint(st, v, f.text, f.colors);
      if (f.ticks && v.legendTicks) {
        f.ticks.forEach((t, k) => {
          if (v.legendTicks.children[k]) v.legendTicks.children[k].textContent = t;
        });
      }
    }
    if (p.lit) { // the panel's own lit cells at this step (optional)
      for (const c of p.lit[i]) {
        v.cells[c].classList.add("win");
        st.lit.push(v.cells[c]);
      }
    }
    if (p.notes) v.note.textContent = p.notes[i];
  }
  st.eq.textContent = "";
  st.eq.dataset.value = s.value[i];
  st.eq.dataset.step = String(i + 1);
  for (const line of s.lines[i]) st.eq.appendChild(el("div", "cvg-eq-line", line));
  if (s.label[i] || s.value[i]) { // a static panel (grid_data.static_payload) has neither
    st.eq.appendChild(el("div", "cvg-eq-where", `${s.label[i]} = ${s.value[i]}`));
  }
}

// ---- linking ----------------------------------------------------------------------------

function clearFed(st) {
  for (const c of st.litTargets) c.classList.remove("fed");
  st.litTargets = [];
}

function hover(st, view, cell) {
  const p = view.p;
  const d = st.data;
  clearFed(st);
  const r = Math.floor(cell / p.cols);
  const c = cell % p.cols;
  const what = `${p.title} [${r}, ${c}] = ${view.cells[cell]._text}`;
  if (p.role === "target") {
    const s = st.stepOf.get(cell);
    if (s !== undefined && !st.playing) show(st, s); // its window, products, equation
    st.readout.textContent = `${what} (step ${s + 1}; click to pin it)`;
  } else if (p.role === "source") {
    if (!st.playing && st.shown !== st.cur) show(st, st.cur); // back from a target's preview
    const steps = st.feeds.get(cell) || [];
    for (const v of st.panels) {
      if (v.p.role !== "target" || !d.steps.target) continue;
      for (const s of steps) {
        const t = v.cells[d.steps.target[s]];
        t.classList.add("fed");
        st.litTargets.push(t);
      }
    }
    const n = steps.length;
    st.readout.textContent = `${what}: covered by ${n} window${n === 1 ? "" : "s"}`;
    st.readout.dataset.covered = String(n);
  } else {
    st.readout.textContent = what;
  }
  if (p.links) { // optional: cells of other panels this cell is linked to
    for (const [id, perCell] of Object.entries(p.links)) {
      const v = st.byId.get(id);
      if (!v) continue;
      for (const k of perCell[cell] || []) {
        v.cells[k].classList.add("fed");
        st.litTargets.push(v.cells[k]);
      }
    }
  }
  if (p.hover) st.readout.textContent = p.hover[cell]; // optional: the panel's own words
}

function unhover(st) {
  clearFed(st);
  st.readout.textContent = "";
  delete st.readout.dataset.covered;
  if (!st.playing && st.data && st.shown !== st.cur) show(st, st.cur);
}

// ---- long windows sent as strided boxes (grid_data.box_cells) ----------------------------

function expandWindows(data, prev) {
  const s = data.steps;
  if (s.window || !s.boxes) return;
  if (prev && prev.token === data.token && prev.steps.window) {
    s.window = prev.steps.window; // the same numbers: expanded already
    return;
  }
  s.window = s.boxes.map(([start, nr, nc, rs, cs]) => {
    const cells = [];
    for (let a = 0; a < nr; a++) for (let b = 0; b < nc; b++) cells.push(start + a * rs + b * cs);
    return cells;
  });
}

// ---- entry point: called on every rerun --------------------------------------------------

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let st = INSTANCES.get(parentElement);
  if (!st) {
    st = create(parentElement);
    INSTANCES.set(parentElement, st);
  }
  st.setStateValue = setStateValue;
  if (!data || !data.panels) return undefined;
  expandWindows(data, st.data);
  const n = data.n_steps;
  const want = Math.max(0, Math.min(n - 1, data.step | 0));
  if (data.token !== st.token) {
    stop(st); // new numbers: start again, paused, where Python says
    st.data = data;
    st.token = data.token;
    st.pending = null;
    build(st);
    st.cur = want;
    show(st, want);
  } else if (st.pending !== null) {
    if (want === st.pending) st.pending = null; // Python caught up with what we sent
  } else if (want !== st.lastDataStep && !st.playing) {
    st.cur = want; // Python moved the step by itself
    show(st, want);
  }
  st.data = data;
  st.lastDataStep = want;
  return () => {
    stop(st);
    st.resize.disconnect();
    INSTANCES.delete(parentElement);
  };
}
