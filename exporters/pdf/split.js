(() => {
  // Backs that overflow at the floor size are split between two blocks, or
  // between two lines of code, list items or table rows: never inside a line
  // of code, a formula, an image or a line of text.
  const floorPx = 6.5 * 96 / 72;
  const block = (n) => n.nodeType === Node.ELEMENT_NODE && !/^inline/.test(getComputedStyle(n).display);
  // A node is split only between its children: a block of blocks, a table
  // between rows, a code block between lines. Text and everything on one
  // line (a paragraph, a list item of text, a formula) stays whole.
  const atomic = (n) => {
    if (n.nodeType !== Node.ELEMENT_NODE || /^(math|img|svg|tr|figure)$/i.test(n.localName) ||
        n.classList.contains("math") || n.closest("math") !== null) return true;
    if (n.localName === "pre" || (n.localName === "code" && n.parentElement.localName === "pre")) return false;
    return !Array.from(n.children).some(block);
  };
  const rect = (n) => {
    if (n.nodeType === Node.ELEMENT_NODE) return n.getBoundingClientRect();
    const r = document.createRange();
    r.selectNodeContents(n);
    return r.getBoundingClientRect();
  };
  const visible = (n) => n.nodeType === Node.ELEMENT_NODE || n.textContent.trim() !== "";
  // path returns the child indices, from el down, of the first node that
  // does not fit above limit, or null when el cannot be split.
  const path = (el, limit) => {
    const kids = Array.from(el.childNodes);
    let seen = false;
    for (let i = 0; i < kids.length; i++) {
      if (!visible(kids[i])) continue;
      const r = rect(kids[i]);
      if (r.bottom <= limit + 0.5) { seen = true; continue; }
      if (r.top >= limit - 0.5 || atomic(kids[i])) return seen ? [i] : (atomic(kids[i]) ? null : descend(kids[i], i, limit, seen));
      return descend(kids[i], i, limit, seen);
    }
    return null;
  };
  const descend = (child, i, limit, seen) => {
    const sub = path(child, limit);
    if (sub !== null) return [i, ...sub];
    return seen ? [i] : null;
  };
  // cut keeps the nodes before path (first) or from path on (rest).
  const cut = (el, p, first) => {
    const kids = Array.from(el.childNodes);
    const at = p[0];
    kids.forEach((k, i) => {
      if (first ? (i > at || (i === at && p.length === 1)) : i < at) k.remove();
    });
    if (!first && el.localName === "ol") {
      const removed = kids.slice(0, at).filter((k) => k.localName === "li").length;
      el.setAttribute("start", String((parseInt(el.getAttribute("start") || "1", 10)) + removed));
    }
    if (p.length > 1) cut(kids[at], p.slice(1), first);
  };
  // overflows measures what path splits by: the text's boxes, not the
  // margins after the last block.
  const overflows = (body) => {
    const limit = body.getBoundingClientRect().top + body.clientHeight;
    return Array.from(body.childNodes).some((n) => visible(n) && rect(n).bottom > limit + 0.5);
  };
  const out = [];
  for (const body of document.querySelectorAll(".cell.back .cell-body")) {
    let size = parseFloat(getComputedStyle(body).fontSize);
    while (overflows(body) && size > floorPx) {
      size = Math.max(floorPx, size - 0.25);
      body.style.fontSize = size + "px";
    }
    if (!overflows(body)) continue;
    const limit = body.getBoundingClientRect().top + body.clientHeight;
    const p = path(body, limit);
    if (p === null) continue;
    const first = body.cloneNode(true), rest = body.cloneNode(true);
    cut(first, p, true);
    cut(rest, p, false);
    const cell = body.closest(".cell");
    out.push({Card: cell.dataset.card, Part: parseInt(cell.dataset.part, 10), First: first.innerHTML, Rest: rest.innerHTML});
  }
  return out;
})()
