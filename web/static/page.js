// Citation links in answers: scroll the article to the cited paragraph and mark the quoted spans.
// Text is moved with textContent and text nodes only, so nothing from the article is parsed as HTML.
// Also: the page's language and tab title, the links' names, readable copies, and a way back.
(() => {
  const SEPARATOR = " \u2016 ";
  const WORDS = window.articleChatWords || {};
  let back = null; // the citation link a reader followed down the page (phones), to return to

  function word(key) {
    const lang = document.documentElement.lang;
    return ((WORDS[lang] || WORDS.en || {})[key]) || key;
  }

  function nameLinks() {
    document.querySelectorAll('#chat a[href^="#para-"]').forEach((a) => {
      const label = word("para_label").replace("{n}", a.getAttribute("href").slice("#para-".length));
      if (a.getAttribute("aria-label") !== label) a.setAttribute("aria-label", label);
    });
    // Gradio marks its example buttons as a list without list items, each named in English:
    // a named group instead, and each button named by the words it shows.
    document.querySelectorAll('#chat .examples[role="list"]').forEach((list) => {
      list.setAttribute("role", "group");
    });
    document.querySelectorAll("#chat .examples").forEach((list) => {
      if (list.getAttribute("aria-label") !== word("examples")) list.setAttribute("aria-label", word("examples"));
    });
    document.querySelectorAll("#chat .examples button[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
  }

  // The chat's copy buttons copy a message's Markdown; give the reader the text they see, with [¶9].
  function readable(text) {
    return text
      .replace(/\[¶(\d+)\]\(#para-\d+(?: "[^"]*")?\)/g, "[¶$1]")
      .replace(/(^|[^\\])\*+/g, "$1")
      .replace(/\\([\\`*_\[\]|~$#+\-=.)])/g, "$1")
      .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (text) => write(readable(String(text)));
  }

  function backButton() {
    let button = document.getElementById("back-to-answer");
    if (!button) {
      button = document.createElement("button");
      button.id = "back-to-answer";
      button.type = "button";
      button.hidden = true;
      button.addEventListener("click", () => {
        const link = back;
        button.hidden = true;
        back = null;
        if (link && link.isConnected) {
          link.scrollIntoView({ block: "center", behavior: "instant" });
          link.focus({ preventScroll: true });
        }
      });
      document.body.append(button);
    }
    button.textContent = word("back_to_answer");
    return button;
  }

  window.articleChatPage = (lang, title) => {
    if (lang) document.documentElement.lang = lang;
    if (title) document.title = title;
    if (lang) {
      const url = new URL(window.location.href);
      if (url.searchParams.get("lang") !== lang) {
        url.searchParams.set("lang", lang);
        history.replaceState(history.state, "", url);
      }
    }
    nameLinks();
    backButton();
  };
  new MutationObserver(nameLinks).observe(document.documentElement, { childList: true, subtree: true });

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

  function show(number, quotes, link) {
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
    if (box.top < 0 || box.bottom > window.innerHeight) {
      p.scrollIntoView({ block: "center", behavior: "instant" });
      if (link) {
        back = link;
        backButton().hidden = false;
      }
    }
    p.setAttribute("tabindex", "-1");
    p.focus({ preventScroll: true });
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
      show(number, quotes, link);
    },
    true,
  );
  window.articleChatShow = show;
})();
