// What a projector shows badly, found in the page's own layout: returns one line per problem.
//
// Read by tests/e2e/test_screens.py and evaluated in the page after a run has finished.
// It looks at the main area and the sidebar's page links.
() => {
  const roots = ['[data-testid="stMain"]', '[data-testid="stSidebarNav"]']
    .map((s) => document.querySelector(s)).filter(Boolean);
  const all = (sel) => roots.flatMap((r) => [...r.querySelectorAll(sel)]);
  const problems = [];
  const shown = (e) => e.getClientRects().length > 0 && e.clientWidth > 0;
  const name = (e) => {
    const owner = e.closest('[data-testid]');
    const text = (e.value || e.innerText || e.getAttribute('aria-label') || '').trim();
    return `${owner ? owner.dataset.testid : e.tagName}: "${text.replace(/\s+/g, ' ').slice(0, 60)}"`;
  };

  // 1. Text cut off: an element that clips its text (an ellipsis, hidden overflow) while the
  //    text is wider than the element. KaTeX's MathML copy is clipped on purpose (screen
  //    readers only).
  for (const e of all('*')) {
    if (!shown(e) || e.closest('.katex-mathml') || !e.innerText || !e.innerText.trim()) continue;
    const cs = getComputedStyle(e);
    const clips = cs.textOverflow === 'ellipsis' || cs.overflowX === 'hidden' || cs.overflowX === 'clip';
    if (clips && e.scrollWidth > e.clientWidth + 1) {
      problems.push(`cut off ${name(e)} (${e.scrollWidth} px in ${e.clientWidth})`);
    }
  }
  // A select or number box shows its value in an <input>: one letter of "none" is a bug.
  for (const e of all('input')) {
    if (shown(e) && e.value && e.type !== 'hidden' && e.type !== 'file' && e.type !== 'checkbox'
        && e.type !== 'radio' && e.scrollWidth > e.clientWidth + 1) {
      problems.push(`value cut off ${name(e)} (${e.scrollWidth} px in ${e.clientWidth})`);
    }
  }

  // 2. A word of a control's label broken across two lines ("Paddi / ng"): the word's
  //    rectangles lie on different lines. Breaks after a hyphen or a slash are fine.
  const controls = [
    '[data-testid="stWidgetLabel"]', 'button', '[data-testid="stRadioOption"]', 'summary',
    '[data-testid="stMetricLabel"]', '[data-testid="stMetricValue"]', '[role="tab"]',
    '[data-testid="stPageLink"]', 'th', '[data-testid="stSliderThumbValue"]',
  ].join(',');
  for (const c of all(controls)) {
    if (!shown(c)) continue;
    const texts = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    for (let t = texts.nextNode(); t; t = texts.nextNode()) {
      const words = /[^\s\-\u2010-\u2015/]+/g;
      for (let m = words.exec(t.data); m; m = words.exec(t.data)) {
        const r = document.createRange();
        r.setStart(t, m.index);
        r.setEnd(t, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0)
          .map((x) => Math.round(x.top)));
        if (lines.size > 1) problems.push(`word "${m[0]}" broken across lines in ${name(c)}`);
      }
    }
  }

  // 3. Content wider than its place: a table or a block that sticks out of its element
  //    (over the next column), or a data grid that needs a horizontal scroll bar. Parts
  //    that float (a grid's resize handle) or sit in a scrolling box do not count.
  const outOfFlow = (e, top) => {
    for (let x = e; x && x !== top; x = x.parentElement) {
      const cs = getComputedStyle(x);
      if (cs.position === 'absolute' || cs.position === 'fixed') return true;
      if (x !== e && cs.overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const c of all('[data-testid="stElementContainer"]')) {
    if (!shown(c)) continue;
    const right = c.getBoundingClientRect().right;
    for (const e of c.querySelectorAll('*')) {
      const box = e.getBoundingClientRect();
      if (box.width > 0 && box.right > right + 1 && !outOfFlow(e, c)) {
        problems.push(`sticks out ${name(e)} (${Math.round(box.right - right)} px too wide)`);
        break;
      }
    }
  }
  for (const e of all('[data-testid="stDataFrame"] .dvn-scroller')) {
    if (shown(e) && e.scrollWidth > e.clientWidth + 1) {
      problems.push(`table scrolls sideways ${name(e)} (${e.scrollWidth} px in ${e.clientWidth})`);
    }
  }
  return [...new Set(problems)];
}
