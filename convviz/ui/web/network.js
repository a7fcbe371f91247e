// convviz.network: the whole network for one input, in columns from the input to the softmax.
//
// data (from convviz/inside/network_payload.py, network_payload; read its schema):
//   token    changes when any number or the layout changes: only then is the DOM rebuilt
//   scales   {signed, relu, gray}: 256 "#rrggbb" colours each, one per colour level
//   columns  per column: title, legend, maps {rows, cols, shown, per_row, cell} or cells
//            {n, per_row, cell} or rows [{label, text}], levels (base64 of zlib of one byte a
//            number, map by map), reads (how a unit of this column reads the one before)
//   picked   {column, position} Python shows, or null
//   left_out a sentence on what the budget left out, or null
//
// Hovering a unit lights the cells it reads in the column before it (from "reads": no server
// work); clicking a unit sets the state "unit" = {column, position, seq} (seq grows with every
// click) and Python builds that unit's numbers. The picked unit's map is also drawn enlarged
// ("focus"), where a single cell is easy to click. The function runs again on every rerun:
// the DOM is built once per token and the instance's state lives in a WeakMap keyed by
// parentElement.

const INSTANCES = new WeakMap();
const GAP = 2; // css px between the maps of a column
const WINDOW = "#ff8c00"; // the window's colour (render.WINDOW_COLOR)
const UNIT = "#141414"; // the unit's outline (render.MARK_COLOR)
const FOCUS_SIDE = 240; // css px: the enlarged map's longer side (at least 6 px a cell)

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function inflate(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// ---- geometry -------------------------------------------------------------------------

function tileSize(m) {
  return [m.cols * m.cell, m.rows * m.cell];
}

function canvasSize(col) {
  if (col.maps) {
    const m = col.maps;
    const [tw, th] = tileSize(m);
    const nRows = Math.ceil(m.shown / m.per_row);
    const perRow = Math.min(m.per_row, m.shown);
    return [perRow * (tw + GAP) - GAP, nRows * (th + GAP) - GAP];
  }
  const c = col.cells;
  return [c.per_row * c.cell, Math.ceil(c.n / c.per_row) * c.cell];
}

// The css-px rectangle of cell (r, c) of map ch, or of vector entry k.
function cellRect(col, pos) {
  if (col.maps) {
    const m = col.maps;
    const [tw, th] = tileSize(m);
    const [r, c, ch] = pos;
    const x0 = (ch % m.per_row) * (tw + GAP);
    const y0 = Math.floor(ch / m.per_row) * (th + GAP);
    return [x0 + c * m.cell, y0 + r * m.cell, m.cell, m.cell];
  }
  const cl = col.cells;
  const k = pos[0];
  return [(k % cl.per_row) * cl.cell, Math.floor(k / cl.per_row) * cl.cell, cl.cell, cl.cell];
}

// The unit under css-px point (x, y) of a column's canvas, or null.
function hit(col, x, y) {
  if (col.maps) {
    const m = col.maps;
    const [tw, th] = tileSize(m);
    const tc = Math.floor(x / (tw + GAP));
    const tr = Math.floor(y / (th + GAP));
    const lx = x - tc * (tw + GAP);
    const ly = y - tr * (th + GAP);
    const ch = tr * m.per_row + tc;
    if (tc >= m.per_row || ch >= m.shown || lx >= tw || ly >= th || lx < 0 || ly < 0) return null;
    return [Math.min(m.rows - 1, Math.floor(ly / m.cell)),
      Math.min(m.cols - 1, Math.floor(lx / m.cell)), ch];
  }
  const cl = col.cells;
  const k = Math.floor(y / cl.cell) * cl.per_row + Math.floor(x / cl.cell);
  return x >= 0 && y >= 0 && x < cl.per_row * cl.cell && k < cl.n ? [k] : null;
}

// What unit `pos` of column `col` reads in the column before: a list of
// {kind: "box", ch, r0, r1, c0, c1} (map cells, ends exclusive, clipped), {kind: "k", k}
// (a vector entry) or {kind: "all"}.
function readsOf(col, prev, pos) {
  const rd = col.reads;
  if (!rd || !prev) return [];
  if (rd.kind === "all") return [{ kind: "all" }];
  if (rd.kind === "same") {
    return pos.length === 3
      ? [{ kind: "box", ch: pos[2], r0: pos[0], r1: pos[0] + 1, c0: pos[1], c1: pos[1] + 1 }]
      : [{ kind: "k", k: pos[0] }];
  }
  if (rd.kind === "flat") {
    const [, W, C] = rd.shape;
    const k = pos[0];
    const ch = k % C;
    const c = Math.floor(k / C) % W;
    const r = Math.floor(k / (C * W));
    return [{ kind: "box", ch, r0: r, r1: r + 1, c0: c, c1: c + 1 }];
  }
  const m = prev.maps;
  const r0 = pos[0] * rd.stride[0] - rd.pad[0];
  const c0 = pos[1] * rd.stride[1] - rd.pad[1];
  const box = {
    r0: Math.max(0, r0), r1: Math.min(m.rows, r0 + rd.size[0]),
    c0: Math.max(0, c0), c1: Math.min(m.cols, c0 + rd.size[1]),
  };
  const chans = rd.channels === "all" ? [...Array(m.shown).keys()] : [pos[2]];
  return chans.filter((ch) => ch < m.shown).map((ch) => ({ kind: "box", ch, ...box }));
}

function describe(col, pos) {
  if (col.rows) {
    const what = col.kind === "softmax" ? "probability" : "score";
    return `${col.name}: the ${what} of class ${col.rows[pos[0]].label}`;
  }
  if (pos.length === 3) {
    return `${col.name}: map ${pos[2] + 1}, row ${pos[0] + 1}, column ${pos[1] + 1}`;
  }
  return `${col.name}: number ${pos[0] + 1} of ${col.shape[0]}`;
}

// ---- building -------------------------------------------------------------------------

function create(root) {
  const st = {
    root, token: null, data: null, views: [], picked: null, hover: null, seq: 0,
    setStateValue: null, built: 0,
  };
  st.wrap = el("div", "cvn");
  st.readout = el("div", "cvn-readout", "Hover a unit to light what it reads; click it for its numbers.");
  st.readout.setAttribute("aria-live", "polite");
  st.focus = el("div", "cvn-focus");
  st.cols = el("div", "cvn-cols");
  st.note = el("p", "cvn-note");
  st.wrap.append(st.readout, st.focus, st.cols, st.note);
  root.append(st.wrap);
  return st;
}

function buildLegend(lg) {
  const box = el("div", "cvn-legend");
  box.append(el("div", "cvn-legend-title", lg.title));
  const bar = el("div", "cvn-legend-bar");
  bar.style.background = `linear-gradient(to right, ${lg.colors.join(", ")})`;
  const ticks = el("div", "cvn-legend-ticks");
  for (const t of lg.ticks) ticks.append(el("span", null, t));
  box.append(bar, ticks);
  return box;
}

function paintMaps(ctx, col, levels, palette, dpr) {
  const m = col.maps;
  const [tw, th] = tileSize(m);
  const off = document.createElement("canvas");
  off.width = m.cols;
  off.height = m.rows;
  const octx = off.getContext("2d");
  const img = octx.createImageData(m.cols, m.rows);
  ctx.imageSmoothingEnabled = false;
  const n = m.rows * m.cols;
  for (let ch = 0; ch < m.shown; ch++) {
    for (let i = 0; i < n; i++) {
      const [r, g, b] = palette[levels[ch * n + i]];
      img.data.set([r, g, b, 255], 4 * i);
    }
    octx.putImageData(img, 0, 0);
    const x0 = (ch % m.per_row) * (tw + GAP);
    const y0 = Math.floor(ch / m.per_row) * (th + GAP);
    ctx.drawImage(off, x0 * dpr, y0 * dpr, tw * dpr, th * dpr);
  }
}

function paintCells(ctx, col, levels, palette, dpr) {
  const cl = col.cells;
  for (let k = 0; k < cl.n; k++) {
    const [r, g, b] = palette[levels[k]];
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    const x = (k % cl.per_row) * cl.cell;
    const y = Math.floor(k / cl.per_row) * cl.cell;
    ctx.fillRect(x * dpr, y * dpr, cl.cell * dpr, cl.cell * dpr);
  }
}

function buildRows(st, view) {
  const col = view.col;
  const list = el("div", "cvn-rows");
  view.rowEls = col.rows.map((row, k) => {
    const b = el("button", "cvn-row");
    b.type = "button";
    b.dataset.k = String(k);
    const hexc = view.palette[view.levels[k]];
    const swatch = el("span", col.kind === "softmax" ? "cvn-bar" : "cvn-swatch");
    swatch.style.background = `rgb(${hexc.join(",")})`;
    if (col.kind === "softmax") swatch.style.width = `${Math.max(1, (view.levels[k] / 255) * 90)}px`;
    b.append(el("span", "cvn-row-label", row.label), swatch, el("span", "cvn-row-text", row.text));
    b.addEventListener("mouseenter", () => setHover(st, view.index, [k]));
    b.addEventListener("mouseleave", () => setHover(st, null, null));
    b.addEventListener("click", () => pick(st, view.index, [k]));
    list.append(b);
    return b;
  });
  return list;
}

function buildColumn(st, col, levels) {
  const dpr = window.devicePixelRatio || 1;
  const view = { col, index: col.index, levels, palette: st.data.scales[col.scale].map(rgb) };
  const box = el("div", "cvn-col");
  box.dataset.column = String(col.index);
  box.dataset.name = col.name;
  box.append(el("div", "cvn-title", col.title));
  if (col.rows) {
    box.append(buildRows(st, view));
  } else {
    const [w, h] = canvasSize(col);
    const stage = el("div", "cvn-stage");
    const canvas = el("canvas", "cvn-maps");
    const over = el("canvas", "cvn-over");
    for (const c of [canvas, over]) {
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${col.title}: click a unit for its numbers`);
    over.setAttribute("aria-hidden", "true");
    const ctx = canvas.getContext("2d");
    if (col.maps) paintMaps(ctx, col, levels, view.palette, dpr);
    else paintCells(ctx, col, levels, view.palette, dpr);
    stage.append(canvas, over);
    const at = (e) => {
      const rect = canvas.getBoundingClientRect();
      return hit(col, e.clientX - rect.left, e.clientY - rect.top);
    };
    canvas.addEventListener("mousemove", (e) => setHover(st, col.index, at(e)));
    canvas.addEventListener("mouseleave", () => setHover(st, null, null));
    canvas.addEventListener("click", (e) => {
      const pos = at(e);
      if (pos) pick(st, col.index, pos);
    });
    view.canvas = canvas;
    view.over = over;
    box.append(stage);
    if (col.maps && col.maps.shown < col.maps.channels) {
      box.append(el("div", "cvn-sub", `first ${col.maps.shown} of ${col.maps.channels} maps`));
    }
  }
  box.append(buildLegend(col.legend));
  view.box = box;
  return view;
}

async function build(st) {
  const data = st.data;
  const token = data.token;
  const levels = await Promise.all(data.columns.map((c) => inflate(c.levels)));
  if (st.token !== token) return; // newer numbers arrived while decoding
  st.cols.replaceChildren();
  st.views = [];
  data.columns.forEach((col, i) => {
    if (i > 0) st.cols.append(el("span", "cvn-arrow", "→"));
    const view = buildColumn(st, col, levels[i]);
    st.views.push(view);
    st.cols.append(view.box);
  });
  st.note.textContent = data.left_out || "";
  st.built = token;
  st.wrap.dataset.ready = token;
  redraw(st);
}

// ---- picking and lighting -------------------------------------------------------------

function pick(st, column, pos) {
  const col = st.data.columns[column];
  if (!col || col.layer < 0) return; // the input computes nothing
  st.picked = { column, position: pos };
  st.seq += 1;
  redraw(st);
  if (st.setStateValue) st.setStateValue("unit", { column, position: pos, seq: st.seq });
}

function setHover(st, column, pos) {
  st.hover = column === null || !pos ? null : { column, position: pos };
  const shown = st.hover || st.picked;
  st.readout.textContent = st.hover
    ? `${describe(st.data.columns[column], pos)}${st.data.columns[column].layer < 0
      ? " (the input)" : ": click for its numbers"}`
    : shown ? `Picked: ${describe(st.data.columns[shown.column], shown.position)}` : "";
  redraw(st);
}

function strokeRect(ctx, dpr, [x, y, w, h], color, width, dash) {
  ctx.save();
  ctx.setLineDash(dash ? [3 * dpr, 2 * dpr] : []);
  const passes = color === UNIT ? [["#ffffff", width + 2], [color, width]] : [[color, width]];
  for (const [c, lw] of passes) { // the unit: dark on a white halo, seen on dark maps too
    ctx.strokeStyle = c;
    ctx.lineWidth = lw * dpr;
    ctx.strokeRect((x - width / 2) * dpr, (y - width / 2) * dpr, (w + width) * dpr,
      (h + width) * dpr);
  }
  ctx.restore();
}

function light(st, unit, dash) {
  const dpr = window.devicePixelRatio || 1;
  const view = st.views[unit.column];
  if (!view) return;
  const col = view.col;
  if (view.rowEls) view.rowEls[unit.position[0]].classList.add(dash ? "hovered" : "picked");
  else strokeRect(view.over.getContext("2d"), dpr, cellRect(col, unit.position), UNIT, 2, dash);
  const prev = st.views[unit.column - 1];
  if (!prev) return;
  for (const part of readsOf(col, prev.col, unit.position)) {
    if (part.kind === "all") {
      prev.box.classList.add("cvn-all-read");
    } else if (prev.rowEls) {
      prev.rowEls[part.k].classList.add("read");
    } else if (part.kind === "k") {
      strokeRect(prev.over.getContext("2d"), dpr, cellRect(prev.col, [part.k]), WINDOW, 2, dash);
    } else if (part.r1 > part.r0 && part.c1 > part.c0) {
      const [x, y, cell] = cellRect(prev.col, [part.r0, part.c0, part.ch]);
      strokeRect(prev.over.getContext("2d"), dpr,
        [x, y, (part.c1 - part.c0) * cell, (part.r1 - part.r0) * cell], WINDOW, 2, dash);
    }
  }
}

function redraw(st) {
  for (const v of st.views) {
    if (v.over) v.over.getContext("2d").clearRect(0, 0, v.over.width, v.over.height);
    v.box.classList.remove("cvn-all-read");
    for (const r of v.rowEls || []) r.classList.remove("picked", "hovered", "read");
  }
  if (st.picked) light(st, st.picked, false);
  if (st.hover) light(st, st.hover, true);
  const p = st.picked;
  st.wrap.dataset.picked = p ? `${p.column}:${p.position.join(",")}` : "";
  drawFocus(st);
}

// The picked unit's map (or vector) enlarged: a single cell is easy to click there.
function drawFocus(st) {
  const p = st.picked;
  const view = p && st.views[p.column];
  const key = view && !view.rowEls ? `${p.column}:${p.position.length === 3 ? p.position[2] : ""}` : "";
  if (key !== st.focusKey) {
    st.focusKey = key;
    st.focus.replaceChildren();
    st.focusView = null;
    if (!key) return;
    const col = view.col;
    let fcol;
    if (col.maps) {
      const m = col.maps;
      const cell = Math.max(6, Math.floor(FOCUS_SIDE / Math.max(m.rows, m.cols)));
      fcol = { ...col, maps: { ...m, shown: 1, per_row: 1, cell } };
    } else {
      const cl = col.cells;
      fcol = { ...col, cells: { ...cl, cell: Math.max(6, Math.floor(FOCUS_SIDE * 1.4 / cl.per_row)) } };
    }
    const ch = col.maps ? p.position[2] : 0;
    const n = col.maps ? col.maps.rows * col.maps.cols : 0;
    const levels = col.maps ? view.levels.subarray(ch * n, (ch + 1) * n) : view.levels;
    const dpr = window.devicePixelRatio || 1;
    const [w, h] = canvasSize(fcol);
    const stage = el("div", "cvn-stage");
    const canvas = el("canvas", "cvn-maps cvn-focus-maps");
    const over = el("canvas", "cvn-over");
    for (const c of [canvas, over]) {
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    canvas.setAttribute("role", "img");
    const what = col.maps ? `${col.name}, map ${ch + 1}` : col.name;
    canvas.setAttribute("aria-label", `${what}, enlarged: click a unit for its numbers`);
    if (col.maps) paintMaps(canvas.getContext("2d"), fcol, levels, view.palette, dpr);
    else paintCells(canvas.getContext("2d"), fcol, levels, view.palette, dpr);
    const at = (e) => {
      const rect = canvas.getBoundingClientRect();
      const pos = hit(fcol, e.clientX - rect.left, e.clientY - rect.top);
      return pos && col.maps ? [pos[0], pos[1], ch] : pos;
    };
    canvas.addEventListener("mousemove", (e) => setHover(st, col.index, at(e)));
    canvas.addEventListener("mouseleave", () => setHover(st, null, null));
    canvas.addEventListener("click", (e) => {
      const pos = at(e);
      if (pos) pick(st, col.index, pos);
    });
    stage.append(canvas, over);
    st.focus.append(el("div", "cvn-title", `${what}, enlarged: click a cell to pick it`), stage,
      buildLegend(col.legend));
    st.focusView = { fcol, over, ch };
  }
  const fv = st.focusView;
  if (!fv) return;
  const dpr = window.devicePixelRatio || 1;
  const ctx = fv.over.getContext("2d");
  ctx.clearRect(0, 0, fv.over.width, fv.over.height);
  for (const [unit, dash] of [[st.picked, false], [st.hover, true]]) {
    if (!unit || unit.column !== st.picked.column) continue;
    if (fv.fcol.maps && unit.position[2] !== fv.ch) continue;
    const pos = fv.fcol.maps ? [unit.position[0], unit.position[1], 0] : unit.position;
    strokeRect(ctx, dpr, cellRect(fv.fcol, pos), UNIT, 2, dash);
  }
}

// ---- entry point: called on every rerun -----------------------------------------------

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let st = INSTANCES.get(parentElement);
  if (!st) {
    st = create(parentElement);
    INSTANCES.set(parentElement, st);
  }
  st.setStateValue = setStateValue;
  if (!data || !data.columns) return undefined;
  const fresh = data.token !== st.token;
  st.data = data;
  st.picked = data.picked ? { column: data.picked.column, position: data.picked.position } : null;
  if (fresh) {
    st.token = data.token;
    st.focusKey = null;
    build(st);
  } else if (st.built === st.token) {
    redraw(st);
  }
  return () => {
    INSTANCES.delete(parentElement);
  };
}
