(() => {
  const minPx = 5 * 96 / 72;
  const over = [];
  for (const body of document.querySelectorAll(".cell .cell-body")) {
    let size = parseFloat(getComputedStyle(body).fontSize);
    while (body.scrollHeight > body.clientHeight + 1 && size > minPx) {
      size -= 0.25;
      body.style.fontSize = size + "px";
    }
    if (body.scrollHeight > body.clientHeight + 1) {
      const cell = body.closest(".cell");
      over.push(cell.dataset.card || cell.id.replace(/^card-/, ""));
    }
  }
  return over;
})()
