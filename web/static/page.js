// Citation links in answers: scroll the article to the cited paragraph and mark the quoted spans.
// Text is moved with textContent and text nodes only, so nothing from the article is parsed as HTML.
(() => {
  const SEPARATOR = " \u2016 ";

  function unmark() {
    document.querySelectorAll("#article-view p.para.cited").forEach((p) => {
      p.classList.remove("cited");
      const text = p.querySelector(".ptext");
      text.textContent = text.textContent;
    });
  }

  function spans(text, quotes) {
    const norm = (s) => s.replace(/\s+/g, " ");
    const flat = norm(text);
    const found = [];
    for (const q of quotes) {
      const i = flat.indexOf(norm(q));
      if (i >= 0) found.push([i, i + norm(q).length]);
    }
    return found.sort((a, b) => a[0] - b[0]);
  }

  function show(number, quotes) {
    const p = document.getElementById("para-" + number);
    if (!p) return false;
    unmark();
    const node = p.querySelector(".ptext");
    const text = node.textContent;
    node.textContent = "";
    let pos = 0;
    for (const [start, end] of spans(text, quotes)) {
      if (start < pos) continue;
      node.append(document.createTextNode(text.slice(pos, start)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      node.append(mark);
      pos = end;
    }
    node.append(document.createTextNode(text.slice(pos)));
    p.classList.add("cited");
    // Scroll the article panel, and the window only when the paragraph is off screen (phones).
    const view = document.getElementById("article-view");
    const target = p.offsetTop - (view.clientHeight - p.clientHeight) / 2;
    view.scrollTo({ top: Math.max(0, target), behavior: "instant" });
    const box = p.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) p.scrollIntoView({ block: "center", behavior: "instant" });
    return true;
  }

  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest && event.target.closest('a[href^="#para-"]');
      if (!link) return;
      event.preventDefault();
      event.stopPropagation();
      const number = link.getAttribute("href").slice("#para-".length);
      const quotes = (link.getAttribute("title") || "").split(SEPARATOR).filter(Boolean);
      show(number, quotes);
    },
    true,
  );
  window.articleChatShow = show;
})();
