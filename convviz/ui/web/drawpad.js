// convviz.drawpad: a square canvas to draw on with a mouse, a pen or a finger.
//
// data (from convviz/ui/drawpad.py, pad_payload):
//   side     cells per side of the value sent to Python (64)
//   pen      the medium pen's width as a fraction of the canvas side
//   grid     [rows, cols] to outline the cells the drawing becomes, or null
//   width    the largest width of the canvas in CSS pixels
//   label    the canvas's accessible name
//   drawing  the value Python holds (repainted when the pad is mounted afresh), or null
//
// When a stroke ends the pad sets its state "drawing" to {side, ink}: the canvas averaged
// down to side x side cells (each the mean of a SCALE x SCALE block), one byte per cell, row
// by row, 0 = no ink, 255 = full ink, base64-encoded. Clear sets it to null. Python decodes
// and checks it (convviz/imaging/drawing.py, decode_drawing).
//
// The function runs again on every rerun with new data: the DOM is built once per mount and
// the pad's own state (the ink, the pen chosen) is kept per parentElement.

const SCALE = 4; // canvas pixels per cell side
const PENS = [["Thin", 0.6], ["Medium", 1.0], ["Thick", 1.6]];
const INSTANCES = new WeakMap();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function toBase64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x2000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000));
  }
  return btoa(bin);
}

function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function build(root) {
  const pad = {
    side: 0, pen: 0.1, choice: 1, grid: null, pointer: null, last: null, inked: false,
    setStateValue: null,
  };
  const wrap = el("div", "drawpad");
  const stage = el("div", "stage");
  const canvas = el("canvas", "ink");
  canvas.setAttribute("role", "img");
  const overlay = el("canvas", "cells");
  overlay.setAttribute("aria-hidden", "true");
  stage.append(canvas, overlay);

  const bar = el("div", "bar");
  const pens = el("div", "pens");
  pens.setAttribute("role", "group");
  pens.setAttribute("aria-label", "Pen width");
  pens.append(el("span", "pens-label", "Pen"));
  const penButtons = PENS.map(([name], i) => {
    const b = el("button", "pen", name);
    b.type = "button";
    b.addEventListener("click", () => { pad.choice = i; showPen(); });
    pens.append(b);
    return b;
  });
  const clear = el("button", "clear", "Clear");
  clear.type = "button";
  bar.append(pens, clear);
  const hint = el("p", "hint",
    "Draw with the mouse, a pen or a finger; each stroke is sent when you lift it.");
  wrap.append(stage, bar, hint);
  root.append(wrap);

  const ctx = canvas.getContext("2d", { willReadFrequently: true });

  function showPen() {
    penButtons.forEach((b, i) => b.setAttribute("aria-pressed", String(i === pad.choice)));
  }

  function blank() {
    ctx.fillStyle = "#000000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    pad.inked = false;
  }

  function resize(side) {
    pad.side = side;
    canvas.width = canvas.height = side * SCALE;
    overlay.width = overlay.height = side * SCALE;
    blank();
  }

  function drawGrid() {
    const g = overlay.getContext("2d");
    g.clearRect(0, 0, overlay.width, overlay.height);
    if (!pad.grid) return;
    const [rows, cols] = pad.grid;
    g.strokeStyle = "rgba(255, 255, 255, 0.28)";
    g.lineWidth = 1;
    g.beginPath();
    for (let r = 1; r < rows; r++) {
      const y = Math.round((r * overlay.height) / rows) + 0.5;
      g.moveTo(0, y);
      g.lineTo(overlay.width, y);
    }
    for (let c = 1; c < cols; c++) {
      const x = Math.round((c * overlay.width) / cols) + 0.5;
      g.moveTo(x, 0);
      g.lineTo(x, overlay.height);
    }
    g.stroke();
  }

  function point(e) {
    const rect = canvas.getBoundingClientRect();
    return [
      ((e.clientX - rect.left) * canvas.width) / rect.width,
      ((e.clientY - rect.top) * canvas.height) / rect.height,
    ];
  }

  function width() {
    return Math.max(1, pad.pen * PENS[pad.choice][1] * canvas.width);
  }

  function segment(a, b) {
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#ffffff";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = width();
    if (a[0] === b[0] && a[1] === b[1]) {
      ctx.beginPath();
      ctx.arc(a[0], a[1], width() / 2, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
      ctx.stroke();
    }
    pad.inked = true;
  }

  function cells() {
    const n = pad.side;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const out = new Uint8Array(n * n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let sum = 0;
        for (let y = r * SCALE; y < (r + 1) * SCALE; y++) {
          for (let x = c * SCALE; x < (c + 1) * SCALE; x++) sum += px[(y * canvas.width + x) * 4];
        }
        out[r * n + c] = Math.round(sum / (SCALE * SCALE));
      }
    }
    return out;
  }

  function send() {
    if (pad.setStateValue) {
      pad.setStateValue("drawing", { side: pad.side, ink: toBase64(cells()) });
    }
  }

  function paint(value) {
    // A fresh mount of a pad whose drawing Python still holds: show it again (blurred, from
    // the cells; new strokes are drawn sharp on top).
    const bytes = fromBase64(value.ink);
    if (bytes.length !== pad.side * pad.side) return;
    const small = document.createElement("canvas");
    small.width = small.height = pad.side;
    const img = small.getContext("2d").createImageData(pad.side, pad.side);
    bytes.forEach((v, i) => {
      img.data.set([v, v, v, 255], i * 4);
    });
    small.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    pad.inked = bytes.some((v) => v > 0);
  }

  function end(e) {
    if (pad.pointer !== e.pointerId) return;
    pad.pointer = null;
    pad.last = null;
    send();
  }

  canvas.addEventListener("pointerdown", (e) => {
    if (pad.pointer !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    pad.pointer = e.pointerId;
    pad.last = point(e);
    segment(pad.last, pad.last);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (pad.pointer !== e.pointerId) return;
    e.preventDefault();
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = point(ev);
      segment(pad.last, p);
      pad.last = p;
    }
  });
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("lostpointercapture", end);
  clear.addEventListener("click", () => {
    blank();
    if (pad.setStateValue) pad.setStateValue("drawing", null);
  });

  pad.update = (data) => {
    const side = Number(data.side) || 64;
    const fresh = side !== pad.side;
    if (fresh) resize(side);
    pad.pen = Number(data.pen) || 0.1;
    const grid = Array.isArray(data.grid) ? data.grid.map(Number) : null;
    if (fresh || String(grid) !== String(pad.grid)) {
      pad.grid = grid;
      drawGrid();
    }
    wrap.style.maxWidth = `${Number(data.width) || 280}px`;
    canvas.setAttribute("aria-label", data.label || "Drawing pad");
    if (fresh && data.drawing && typeof data.drawing.ink === "string") {
      try {
        paint(data.drawing);
      } catch (err) {
        blank(); // not base64: Python reports a bad value itself
      }
    }
    showPen();
  };
  return pad;
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  let pad = INSTANCES.get(parentElement);
  if (!pad) {
    pad = build(parentElement);
    INSTANCES.set(parentElement, pad);
  }
  pad.setStateValue = setStateValue;
  pad.update(data || {});
}
