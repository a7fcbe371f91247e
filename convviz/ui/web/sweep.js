// convviz.sweep: a kernel sweeping over a picture, played in the browser.
//
// The payload (convviz/imaging/sweep_payload.py documents it) arrives once per rerun: the
// input picture, the feature map picture, the geometry of every frame and the numbers of
// every frame's window. Everything a frame shows is drawn here from that payload, so playing
// costs the server nothing. Python hears the frame (setStateValue "frame") only when
// playback stops or the user steps, scrubs or changes the speed.
//
// Streamlit calls the default export again on every rerun: the DOM is built once per
// parentElement and the player's state (frame, playing, speed) is kept in a WeakMap, so a
// rerun neither restarts playback nor loses the frame. A new `token` (another picture or
// zoom) starts again at the payload's `start` frame, paused.

const INSTANCES = new WeakMap();
const WINDOW = "rgb(255, 140, 0)"; // render.WINDOW_COLOR
const DARK = "rgb(20, 20, 20)";
const HIDDEN = "rgb(206, 206, 206)"; // the map not computed yet (as the GIF)
const HATCH = "rgb(178, 178, 178)";
const MIN_FONT = 12; // px: no number is drawn smaller (read from the back of a room)
const GRID_MIN = 8; // px per cell from which grid lines are drawn
const MAX_SCALE = 48; // px per input pixel at most
const GAP = 16;
const REPORT_DELAY = 250; // ms: steps and key presses in a burst make one report

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, text, cls) {
  const b = el("button", cls);
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.textContent = text;
  return b;
}

function legend() {
  const box = el("div", "legend");
  const title = el("div", "legend-title");
  const body = el("div", "legend-body");
  const bar = el("div", "legend-bar");
  const ticks = el("div", "legend-ticks");
  body.append(bar, ticks);
  box.append(title, body);
  return { box, title, bar, ticks };
}

function fillLegend(lg, spec) {
  lg.title.textContent = spec.title;
  // Horizontal, under its panel: the lowest value at the left (the colours come top first).
  lg.bar.style.background = `linear-gradient(to left, ${spec.colors.join(", ")})`;
  lg.ticks.replaceChildren(
    ...spec.ticks.map(([frac, text]) => {
      const t = el("span", "tick", text);
      t.style.left = `${(1 - frac) * 100}%`;
      return t;
    }),
  );
}

function build(root) {
  const box = el("div", "sweep");
  box.tabIndex = 0;
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "The sweep: arrow keys step, space plays or pauses");

  const bar = el("div", "bar");
  const back = button("Previous frame", "◀ Back");
  const play = button("Play", "▶ Play", "play");
  const next = button("Next frame", "Next ▶");
  const speedBox = el("label", "speed");
  const speedText = el("span", "speed-text");
  const speed = el("input");
  speed.type = "range";
  speed.min = "1";
  speed.max = "30";
  speed.step = "1";
  speed.setAttribute("aria-label", "Speed (frames per second)");
  speedBox.append(speedText, speed);
  bar.append(back, play, next, speedBox);

  const scrubRow = el("div", "scrub-row");
  const counter = el("div", "counter");
  const scrub = el("input", "scrub");
  scrub.type = "range";
  scrub.min = "1";
  scrub.setAttribute("aria-label", "Frame");
  scrubRow.append(counter, scrub);

  const panels = el("div", "panels");
  const figure = (cls) => {
    const fig = el("figure", cls);
    const cap = el("figcaption");
    const canvas = el("canvas");
    const lg = legend();
    fig.append(cap, canvas, lg.box);
    return { fig, cap, canvas, lg };
  };
  const inFig = figure("input-fig");
  inFig.canvas.className = "input-canvas";
  const mapFig = figure("map-fig");
  mapFig.canvas.className = "map-canvas";
  panels.append(inFig.fig, mapFig.fig);
  const readout = el("div", "readout", " ");
  readout.setAttribute("aria-live", "polite");
  const detail = el("div", "detail");
  box.append(bar, scrubRow, panels, readout, detail);
  root.appendChild(box);

  const st = {
    root, box, back, play, next, speed, speedText, scrub, counter, panels, inFig, mapFig,
    readout, detail, data: null, token: undefined, frame: 0, playing: false, fps: 10,
    raf: 0, last: null, report: 0, layers: null, images: {}, layout: null, cells: null,
    setStateValue: null,
  };
  speed.value = String(st.fps);

  play.addEventListener("click", () => (st.playing ? pause(st, true) : start(st)));
  back.addEventListener("click", () => stepTo(st, st.frame - 1));
  next.addEventListener("click", () => stepTo(st, st.frame + 1));
  scrub.addEventListener("input", () => stepTo(st, Number(scrub.value) - 1, false));
  scrub.addEventListener("change", () => report(st, true));
  speed.addEventListener("input", () => {
    st.fps = Number(speed.value);
    showSpeed(st);
  });
  speed.addEventListener("change", () => report(st, true));
  box.addEventListener("keydown", (e) => onKey(st, e));
  for (const [fig, which] of [[inFig, "input"], [mapFig, "map"]]) {
    fig.canvas.addEventListener("mousemove", (e) => hover(st, which, e));
    fig.canvas.addEventListener("mouseleave", () => (st.readout.textContent = " "));
  }
  if (typeof ResizeObserver !== "undefined") {
    st.resize = new ResizeObserver(() => {
      if (st.data && Math.abs(box.clientWidth - (st.layout ? st.layout.width : 0)) > 1) {
        relayout(st);
      }
    });
    st.resize.observe(box);
  }
  showSpeed(st);
  return st;
}

function showSpeed(st) {
  st.speedText.textContent = `Speed: ${st.fps} frames/s`;
}

function clampFrame(st, f) {
  const n = st.data ? st.data.n_frames : 1;
  return Math.max(0, Math.min(n - 1, Math.round(f) || 0));
}

function report(st, now) {
  clearTimeout(st.report);
  const send = () => {
    if (st.setStateValue && st.data) {
      st.setStateValue("frame", { token: st.token, frame: st.frame, speed: st.fps });
    }
  };
  if (now) send();
  else st.report = setTimeout(send, REPORT_DELAY);
}

function setPlaying(st, playing) {
  st.playing = playing;
  st.play.setAttribute("aria-label", playing ? "Pause" : "Play");
  st.play.textContent = playing ? "❚❚ Pause" : "▶ Play";
  st.play.classList.toggle("playing", playing);
  st.scrub.disabled = playing;
}

function start(st) {
  if (!st.data) return;
  if (st.frame >= st.data.n_frames - 1) {
    st.frame = 0; // Play at the end starts over
    draw(st);
  }
  setPlaying(st, true);
  st.last = null;
  cancelAnimationFrame(st.raf);
  st.raf = requestAnimationFrame((t) => tick(st, t));
}

function pause(st, tell) {
  const was = st.playing;
  setPlaying(st, false);
  cancelAnimationFrame(st.raf);
  if (was && tell) report(st, true);
}

function stepTo(st, f, tell = true) {
  pause(st, false);
  st.frame = clampFrame(st, f);
  draw(st);
  if (tell) report(st, false);
}

function tick(st, now) {
  if (!st.playing) return;
  if (!st.box.isConnected) {
    setPlaying(st, false);
    return;
  }
  const interval = 1000 / st.fps;
  if (st.last === null) st.last = now;
  if (now - st.last >= interval - 2) {
    // One frame per tick, never more: every frame is shown. After a stall (a hidden tab)
    // the clock restarts instead of rushing to catch up.
    st.last = now - st.last > 2 * interval ? now : st.last + interval;
    st.frame = clampFrame(st, st.frame + 1);
    draw(st);
    if (st.frame >= st.data.n_frames - 1) {
      pause(st, true);
      return;
    }
  }
  st.raf = requestAnimationFrame((t) => tick(st, t));
}

function onKey(st, e) {
  if (!st.data || e.target === st.speed) return;
  const keys = {
    ArrowRight: () => stepTo(st, st.frame + 1),
    ArrowLeft: () => stepTo(st, st.frame - 1),
    Home: () => stepTo(st, 0),
    End: () => stepTo(st, st.data.n_frames - 1),
    " ": () => (st.playing ? pause(st, true) : start(st)),
  };
  const act = keys[e.key];
  if (act && !(e.key === " " && e.target.tagName === "BUTTON")) {
    e.preventDefault();
    act();
  }
}

// -- layout and the layers every frame shares ----------------------------------------------

function fontFor(ctx, px, texts) {
  // The largest font (at most half the cell) at which the longest text fits the cell.
  if (!texts || !texts.length) return 0;
  let longest = "";
  for (const t of texts) if (t.length > longest.length) longest = t;
  let size = Math.floor(px * 0.5);
  if (size < MIN_FONT) return 0;
  ctx.font = `${size}px sans-serif`;
  const w = ctx.measureText(longest).width;
  if (w > px * 0.92) size = Math.floor((size * px * 0.92) / w);
  return size >= MIN_FONT ? size : 0;
}

function computeLayout(st) {
  const d = st.data;
  const width = Math.max(200, st.box.clientWidth || 600);
  const inW = d.input.cols;
  const inH = d.input.rows;
  const cell = d.map.cell;
  const mapW = d.map.cols * cell;
  const mapH = d.map.rows * cell;
  const tall = Math.max(240, (window.innerHeight || 800) * 0.75);
  const fit = (s, h) => Math.min(MAX_SCALE, s, tall / h);
  const side = fit((width - GAP) / (inW + mapW), Math.max(inH, mapH));
  const stacked = fit(width / Math.max(inW, mapW), Math.max(inH, mapH));
  const probe = document.createElement("canvas").getContext("2d");
  const grayValues = d.input.channels !== "rgb" ? d.input.values : null;
  const readable = (s) =>
    fontFor(probe, s, grayValues) >= MIN_FONT || fontFor(probe, s * cell, d.map.values) >= MIN_FONT;
  let s = side;
  let stack = false;
  if (d.map.values && !readable(side) && readable(stacked)) {
    s = stacked;
    stack = true;
  }
  s = Math.max(0.05, s);
  return {
    width, s, stack,
    inFont: fontFor(probe, s, grayValues),
    mapFont: fontFor(probe, s * cell, d.map.values),
    inCss: [inW * s, inH * s],
    mapCss: [mapW * s, mapH * s],
  };
}

function sizeCanvas(canvas, [w, h]) {
  const dpr = window.devicePixelRatio || 1;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  return dpr;
}

function offscreen(w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  return c;
}

function gridLines(ctx, rows, cols, px, W, H) {
  ctx.strokeStyle = "rgba(0, 0, 0, 0.28)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let r = 0; r <= rows; r++) {
    const y = Math.min(H - 0.5, Math.round(r * px) + 0.5);
    ctx.moveTo(0, y);
    ctx.lineTo(W, y);
  }
  for (let c = 0; c <= cols; c++) {
    const x = Math.min(W - 0.5, Math.round(c * px) + 0.5);
    ctx.moveTo(x, 0);
    ctx.lineTo(x, H);
  }
  ctx.stroke();
}

function luminance(hex) {
  return (
    0.299 * parseInt(hex.slice(1, 3), 16) +
    0.587 * parseInt(hex.slice(3, 5), 16) +
    0.114 * parseInt(hex.slice(5, 7), 16)
  );
}

function cellNumbers(ctx, texts, rows, cols, px, font, dark) {
  ctx.font = `${font}px sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c;
      ctx.fillStyle = dark(k) ? "#fff" : "#111";
      ctx.fillText(texts[k], (c + 0.5) * px, (r + 0.5) * px);
    }
  }
}

function buildLayers(st) {
  const d = st.data;
  const L = st.layout;
  const dpr = window.devicePixelRatio || 1;
  const crisp = L.s >= 2;
  // The input: the picture, then grid lines and numbers where they fit.
  const inW = Math.round(L.inCss[0] * dpr);
  const inH = Math.round(L.inCss[1] * dpr);
  const inBase = offscreen(inW, inH);
  let ctx = inBase.getContext("2d");
  ctx.imageSmoothingEnabled = !crisp;
  ctx.drawImage(st.images.input, 0, 0, inW, inH);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (L.s >= GRID_MIN) gridLines(ctx, d.input.rows, d.input.cols, L.s, L.inCss[0], L.inCss[1]);
  if (L.inFont) {
    const vals = d.input.values;
    cellNumbers(ctx, vals, d.input.rows, d.input.cols, L.s, L.inFont, (k) => {
      const v = parseFloat(vals[k]);
      const shade = d.input.pad[k] === "1" ? v * 127 + 107 : v * 255;
      return shade < 128;
    });
  }
  // The map, fully revealed, and the map not computed yet.
  const mPx = L.s * d.map.cell;
  const mW = Math.round(L.mapCss[0] * dpr);
  const mH = Math.round(L.mapCss[1] * dpr);
  const full = offscreen(mW, mH);
  ctx = full.getContext("2d");
  ctx.imageSmoothingEnabled = !(mPx >= 2);
  ctx.drawImage(st.images.map, 0, 0, mW, mH);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (mPx >= GRID_MIN) gridLines(ctx, d.map.rows, d.map.cols, mPx, L.mapCss[0], L.mapCss[1]);
  if (L.mapFont) {
    const vals = d.map.values;
    const lg = d.map.legend;
    const vmax = d.map.vmax;
    const lo = d.map.display === "signed" ? -vmax : 0;
    cellNumbers(ctx, vals, d.map.rows, d.map.cols, mPx, L.mapFont, (k) => {
      const t = (vmax - parseFloat(vals[k])) / (vmax - lo); // 0 at the top of the legend
      const idx = Math.max(0, Math.min(lg.colors.length - 1, Math.round(t * (lg.colors.length - 1))));
      return luminance(lg.colors[idx]) < 128;
    });
  }
  const hidden = offscreen(mW, mH);
  ctx = hidden.getContext("2d");
  ctx.fillStyle = HIDDEN;
  ctx.fillRect(0, 0, mW, mH);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (mPx >= GRID_MIN) {
    gridLines(ctx, d.map.rows, d.map.cols, mPx, L.mapCss[0], L.mapCss[1]);
  } else {
    ctx.strokeStyle = HATCH;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = -L.mapCss[1]; x < L.mapCss[0]; x += 8) {
      ctx.moveTo(x, 0);
      ctx.lineTo(x + L.mapCss[1], L.mapCss[1]);
    }
    ctx.stroke();
  }
  st.layers = { inBase, full, hidden, dpr, mPx };
}

function relayout(st) {
  if (!st.data || !st.images.input || !st.images.map) return;
  st.layout = computeLayout(st);
  const L = st.layout;
  st.panels.classList.toggle("stacked", L.stack);
  sizeCanvas(st.inFig.canvas, L.inCss);
  sizeCanvas(st.mapFig.canvas, L.mapCss);
  // The font size of the numbers drawn in the cells (0: none, the hover read-out instead).
  st.inFig.canvas.dataset.numbersPx = String(L.inFont);
  st.mapFig.canvas.dataset.numbersPx = String(L.mapFont);
  buildLayers(st);
  draw(st);
}

// -- one frame -------------------------------------------------------------------------------

function ring(ctx, x0, y0, x1, y1, t, color) {
  ctx.strokeStyle = color;
  ctx.lineWidth = t;
  ctx.strokeRect(x0 + t / 2, y0 + t / 2, x1 - x0 - t, y1 - y0 - t);
}

function outline(ctx, box, px) {
  const [x0, y0, x1, y1] = box;
  if (px >= GRID_MIN) {
    ring(ctx, x0, y0, x1 + 1, y1 + 1, Math.max(2, px / 12), WINDOW);
  } else {
    // Small pixels: outside the window, so its pixels stay visible, with a dark edge.
    ring(ctx, x0 - 3, y0 - 3, x1 + 3, y1 + 3, 1, DARK);
    ring(ctx, x0 - 2, y0 - 2, x1 + 2, y1 + 2, 2, WINDOW);
  }
}

function frameGeometry(d, f) {
  // The window (or band of windows) of frame f in input pixels of the picture sent, and the
  // cells revealed.
  const [kh, kw] = d.geometry.kernel;
  const [sh, sw] = d.geometry.stride;
  const [dh, dw] = d.geometry.dilation;
  const cols = d.map.cols;
  const i = d.pos[f][0] - d.map.origin[0];
  const j = d.pos[f][1] - d.map.origin[1];
  const keH = dh * (kh - 1) + 1;
  const keW = dw * (kw - 1) + 1;
  const n = d.revealed[f];
  if (d.by_rows) {
    const first = f ? Math.floor(d.revealed[f - 1] / cols) : 0;
    return { n, i, j, band: [0, first * sh, (cols - 1) * sw + keW, i * sh + keH] };
  }
  return { n, i, j, win: [j * sw, i * sh, j * sw + keW, i * sh + keH], dh, dw, kh, kw };
}

function draw(st) {
  const d = st.data;
  if (!d) return;
  const f = st.frame;
  st.counter.textContent = `Frame ${f + 1} of ${d.n_frames}: the windows of ${d.where[f]}`;
  st.counter.setAttribute("data-convviz-step", String(f + 1));
  st.scrub.max = String(d.n_frames);
  st.scrub.value = String(f + 1);
  drawDetail(st, f);
  if (!st.layers) return;
  const L = st.layout;
  const { dpr, mPx } = st.layers;
  const g = frameGeometry(d, f);
  // The input and the window.
  let ctx = st.inFig.canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(st.layers.inBase, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const s = L.s;
  if (g.band) {
    const [x0, y0, x1, y1] = g.band;
    outline(ctx, [x0 * s, y0 * s, x1 * s, y1 * s], s);
  } else {
    const [x0, y0, x1, y1] = g.win;
    outline(ctx, [x0 * s, y0 * s, x1 * s, y1 * s], s);
    if (s >= GRID_MIN && (g.dh > 1 || g.dw > 1)) {
      for (let u = 0; u < g.kh; u++) {
        for (let v = 0; v < g.kw; v++) {
          const ty = (y0 + u * g.dh) * s;
          const tx = (x0 + v * g.dw) * s;
          ring(ctx, tx, ty, tx + s + 1, ty + s + 1, Math.max(1, s / 16), WINDOW);
        }
      }
    }
  }
  // The map: hidden, then the cells revealed so far copied from the full map.
  ctx = st.mapFig.canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const { full, hidden } = st.layers;
  ctx.drawImage(hidden, 0, 0);
  const cols = d.map.cols;
  const q = Math.floor(g.n / cols);
  const rem = g.n % cols;
  const yq = Math.round(q * mPx * dpr);
  if (yq > 0) ctx.drawImage(full, 0, 0, full.width, yq, 0, 0, full.width, yq);
  if (rem > 0) {
    const yq1 = Math.min(full.height, Math.round((q + 1) * mPx * dpr));
    const xr = Math.round(rem * mPx * dpr);
    ctx.drawImage(full, 0, yq, xr, yq1 - yq, 0, yq, xr, yq1 - yq);
  }
  if (!d.by_rows && mPx >= GRID_MIN) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    outline(ctx, [g.j * mPx, g.i * mPx, (g.j + 1) * mPx, (g.i + 1) * mPx], mPx);
  }
}

// -- the numbers of the current window ---------------------------------------------------------

function grid(cls, kh, kw, caption) {
  const wrap = el("div", `grid-wrap ${cls}`);
  const cap = el("div", "grid-cap", caption);
  const g = el("div", "grid");
  g.style.gridTemplateColumns = `repeat(${kw}, auto)`;
  const cells = [];
  for (let k = 0; k < kh * kw; k++) {
    const c = el("span", "cell");
    g.appendChild(c);
    cells.push(c);
  }
  wrap.append(cap, g);
  return { wrap, cells };
}

function buildDetail(st) {
  const d = st.data;
  st.detail.replaceChildren();
  st.cells = null;
  if (!d.detail || d.detail.omitted) {
    st.detail.appendChild(el("p", "note", d.detail ? d.detail.omitted : ""));
    return;
  }
  const { kh, kw, channels, kernel } = d.detail;
  const title = el("div", "detail-title");
  const rows = [];
  const names = channels === 3 ? ["R ", "G ", "B "] : [""];
  st.detail.appendChild(title);
  for (const name of names) {
    const row = el("div", "detail-row");
    const px = grid("pixels", kh, kw, `${name}pixels`);
    const kern = grid("kernel", kh, kw, "kernel");
    kern.cells.forEach((c, k) => (c.textContent = kernel[k]));
    const prod = grid("products", kh, kw, `${name}products`);
    row.append(px.wrap, el("span", "op", "×"), kern.wrap, el("span", "op", "="), prod.wrap);
    const sum = channels === 3 ? el("div", "channel-sum") : null;
    if (sum) row.appendChild(sum);
    st.detail.appendChild(row);
    rows.push({ px: px.cells, prod: prod.cells, sum, name });
  }
  const total = el("div", "detail-total");
  st.detail.appendChild(total);
  st.cells = { title, rows, total, n: kh * kw };
}

function drawDetail(st, f) {
  const d = st.data;
  if (!st.cells) return;
  const [patch, products, pad, value, sums] = d.detail.frames[f];
  const p = patch.split(" ");
  const q = products.split(" ");
  const s = sums ? sums.split(" ") : null;
  const { title, rows, total, n } = st.cells;
  const [r, c] = d.pos[f];
  title.textContent =
    `The window of output cell (${r}, ${c})` +
    (d.by_rows ? ": the last window of the frame's rows" : "");
  rows.forEach((row, ch) => {
    for (let k = 0; k < n; k++) {
      const cell = row.px[k];
      const text = p[ch * n + k];
      const isPad = pad[k] === "1";
      cell.textContent = text;
      const v = Math.max(0, Math.min(1, parseFloat(text)));
      const shade = Math.round(isPad ? v * 127 + 107 : v * 255);
      cell.style.background = `rgb(${shade}, ${shade}, ${shade})`;
      cell.style.color = shade < 128 ? "#fff" : "#111";
      cell.classList.toggle("pad", isPad);
      row.prod[k].textContent = q[ch * n + k];
      row.prod[k].classList.toggle("pad", isPad);
    }
    if (row.sum) row.sum.textContent = `${row.name}sum = ${s[ch]}`;
  });
  let text = `sum of products = ${value}`;
  if (s) text = `sum of products: R + G + B = ${s.join(" + ").replace(/\+ -/g, "- ")} = ${value}`;
  total.textContent = text;
}

// -- hover read-out ----------------------------------------------------------------------------

function hover(st, which, e) {
  const d = st.data;
  if (!d || !st.layout) return;
  const rect = e.target.getBoundingClientRect();
  const px = which === "input" ? st.layout.s : st.layout.s * d.map.cell;
  const c = Math.floor((e.clientX - rect.left) / px);
  const r = Math.floor((e.clientY - rect.top) / px);
  const part = d[which];
  if (r < 0 || c < 0 || r >= part.rows || c >= part.cols) return;
  const k = r * part.cols + c;
  if (which === "input") {
    const y = part.origin[0] + r;
    const x = part.origin[1] + c;
    const where = `padded input row ${y}, column ${x}`;
    const isPad = part.pad ? part.pad[k] === "1" : false;
    st.readout.textContent = part.values
      ? `${where}${isPad ? " (padding)" : ""}: ${part.values[k]}`
      : `${where} (zoom in to read the numbers)`;
    return;
  }
  const where = `output cell (${part.origin[0] + r}, ${part.origin[1] + c})`;
  if (k >= d.revealed[st.frame]) {
    st.readout.textContent = `${where}: not computed yet at this frame`;
  } else {
    st.readout.textContent = part.values
      ? `${where}: ${part.values[k]}`
      : `${where} (zoom in to read the numbers)`;
  }
}

// -- entry -------------------------------------------------------------------------------------

function loadImage(st, which, src) {
  if (st.images[`${which}Src`] === src) return Promise.resolve();
  st.images[`${which}Src`] = src;
  const img = new Image();
  img.src = src;
  return img
    .decode()
    .catch(() => undefined)
    .then(() => {
      if (st.images[`${which}Src`] === src) st.images[which] = img;
    });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let st = INSTANCES.get(parentElement);
  if (!st) {
    st = build(parentElement);
    INSTANCES.set(parentElement, st);
  }
  st.setStateValue = setStateValue;
  if (!data || data === st.data) return;
  const fresh = data.token !== st.token;
  st.data = data;
  if (fresh) {
    st.token = data.token;
    pause(st, false);
    st.frame = clampFrame(st, data.start || 0);
    if (data.fps) {
      st.fps = Math.max(1, Math.min(30, Math.round(data.fps)));
      st.speed.value = String(st.fps);
      showSpeed(st);
    }
  } else {
    st.frame = clampFrame(st, st.frame);
  }
  st.inFig.cap.textContent = data.input.label;
  st.mapFig.cap.textContent = data.map.label;
  fillLegend(st.inFig.lg, data.input.legend);
  fillLegend(st.mapFig.lg, data.map.legend);
  if (st.images.inputSrc !== data.input.src || st.images.mapSrc !== data.map.src) {
    st.layers = null; // the old pictures do not fit the new geometry: wait for the new ones
  }
  buildDetail(st);
  draw(st);
  Promise.all([loadImage(st, "input", data.input.src), loadImage(st, "map", data.map.src)]).then(
    () => {
      if (st.data === data) relayout(st);
    },
  );
}
