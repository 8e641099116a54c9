"""The page in a real browser (Debian's chromium driven by Playwright) against the real app.

Screenshots and timings land in tests/artifacts/ (kept out of git); the README's screenshots are
copied from there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.page import CHROMIUM, ask, launch_browser, open_page

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> **bold** [link](http://example.com)'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def visit(browser, web_url):
    """Open the page; every request the page makes is recorded and must stay on this server."""
    pages, requests, dialogs = [], [], []

    def watch(page) -> None:
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def go(query: str = "?lang=en", **context):
        page, load = open_page(browser, web_url + query, setup=watch, **context)
        pages.append(page)
        return page, load

    yield go
    for page in pages:
        page.context.close()
    server = urlparse(web_url).netloc
    outside = [u for u in requests if urlparse(u).netloc not in (server, "") and not u.startswith(("data:", "blob:"))]
    assert outside == [], f"the page fetched from outside: {outside}"
    assert requests, "no request was recorded"
    assert dialogs == [], f"a script opened a dialog: {dialogs}"


def _bot_messages(page) -> list[str]:
    return page.eval_on_selector_all("#chat .message.bot", "els => els.map(e => e.textContent.trim())")


def _paragraph_in_view(page, number: int) -> bool:
    return page.evaluate(
        """(n) => {
            const p = document.getElementById('para-' + n), view = document.getElementById('article-view');
            const r = p.getBoundingClientRect(), v = view.getBoundingClientRect();
            return r.top >= v.top - 1 && r.bottom <= v.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight;
        }""",
        number,
    )


def test_ask_in_ukrainian_then_click_the_citation(visit):
    page, load = visit("?lang=uk", viewport={"width": 1400, "height": 900})
    timing = ask(page, "Де Токаєв зустрівся з Макроном?")
    answer = _bot_messages(page)[-1]
    assert answer.startswith("У статті сказано:") and "Парижі" in answer
    link = page.locator('#chat .message.bot a[href="#para-9"]').last
    quote = link.get_attribute("title")
    assert "Макроном у Парижі" in quote
    assert link.get_attribute("aria-label") == "абзац 9"
    look = link.evaluate(
        "a => { const s = getComputedStyle(a), p = getComputedStyle(a.closest('p')); return [s.color, p.color, s.textDecorationLine] }"
    )
    assert look[0] != look[1] and look[2] == "underline", look
    assert page.evaluate("() => document.documentElement.lang") == "uk"
    assert page.title().endswith("· Чат зі статтею") and page.title().startswith("Токаєв")
    assert not _paragraph_in_view(page, 9)
    link.click()
    page.wait_for_selector("#para-9.cited mark")
    marked = " ".join(page.locator("#para-9 mark").all_text_contents())
    assert " ".join(marked.split()) == " ".join(quote.split())
    assert page.locator("#article-view p.cited").count() == 1
    assert _paragraph_in_view(page, 9)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-answer.png"))
    (ARTIFACTS / "page-timings.json").write_text(json.dumps({"load_to_usable_ms": round(load * 1000, 1), **timing}, indent=2))
    assert timing["first_ms"] <= timing["full_ms"]


def test_hostile_question_is_shown_as_text_and_nothing_runs(visit):
    page, _ = visit()
    page.evaluate("() => { window.__pwned = 0 }")
    ask(page, HOSTILE)
    assert page.evaluate("() => window.__pwned") == 0
    user = page.locator("#chat .message.user").last
    assert "<script>window.__pwned = 1</script>" in user.text_content()
    assert "**bold**" in user.text_content()
    assert page.eval_on_selector_all("#chat img, #chat script, #chat a[href^='http']", "els => els.map(e => e.outerHTML)") == []
    assert "does not answer" in _bot_messages(page)[-1]
    ask(page, "Where did Tokayev meet Macron?")
    assert "Парижі" in _bot_messages(page)[-1]


def test_upload_an_article_ask_about_it_and_go_back(visit, tmp_path):
    article = tmp_path / "festival.md"
    article.write_text(
        "# Lviv bakers hold a winter festival\n\n"
        "Published: 2026-11-20\n\n"
        "More than 300 bakers from twelve countries came to Lviv for the winter bread festival on Rynok Square.\n\n"
        "The organisers said the largest loaf weighed 84 kilograms and was shared among the guests.\n\n"
        'One stall displayed the sign <img src=x onerror="window.__pwned = 3"> as a joke about web pages.\n',
        encoding="utf-8",
    )
    page, _ = visit(viewport={"width": 1400, "height": 900})
    page.evaluate("() => { window.__pwned = 0 }")
    page.click("#own-article button, #own-article .label-wrap")
    page.set_input_files("#upload input[type=file]", str(article))  # choosing the file is enough
    page.wait_for_selector("#article-view >> text=largest loaf", timeout=120_000)
    assert "festival-" in page.text_content("#article-heading")
    status = page.text_content("#own-status")
    assert "Now answering about Lviv bakers hold a winter festival" in status and "from the file festival.md" in status
    assert page.title() == "Lviv bakers hold a winter festival · Article chat"
    assert "<img src=x" in page.text_content("#article-view")
    assert page.evaluate("() => window.__pwned") == 0
    examples = _examples(page)
    assert examples[0] == "Summarize the article in 3 bullet points"
    assert "Lviv bakers hold a winter festival" in examples[1] and not any("Tokayev" in e or "Токаєв" in e for e in examples)
    ask(page, "How heavy was the largest loaf?")
    answer = _bot_messages(page)[-1]
    assert "84 kilograms" in answer
    number = int(page.locator("#chat .message.bot a[href^='#para-']").last.get_attribute("href").removeprefix("#para-"))
    assert "84 kilograms" in page.text_content(f"#para-{number}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#own-status").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "page-own-article.png"))
    page.click("#default-article")
    page.wait_for_selector("#article-view >> text=Макроном", timeout=30_000)
    assert _bot_messages(page) == []
    assert "Now answering about the default article: Токаєв" in page.text_content("#own-status")
    assert page.locator("#upload >> text=festival.md").count() == 0, "the file stays attached after going back"


def test_pasted_text_wins_over_an_attached_file_and_is_titled_by_its_first_line(visit, tmp_path):
    article = tmp_path / "bread.txt"
    article.write_text("Bread news\n\nThe bakery on Rynok Square sold 900 loaves on Sunday.\n", encoding="utf-8")
    page, _ = visit()
    page.click("#own-article button, #own-article .label-wrap")
    page.set_input_files("#upload input[type=file]", str(article))
    page.wait_for_selector("#article-view >> text=900 loaves", timeout=120_000)
    page.fill("#paste textarea", "The tram museum reopened in Kharkiv.\n\nThe museum shows 14 restored trams and opened on Monday.")
    page.wait_for_selector("#own-status >> text=Use the pasted text")  # the next step is said, the old status is gone
    page.click("#use-article")
    page.wait_for_selector("#article-view >> text=14 restored trams", timeout=120_000)
    status = page.text_content("#own-status")
    assert "The tram museum reopened in Kharkiv." in status and "from the pasted text" in status
    assert "The tram museum reopened in Kharkiv." in page.text_content("#article-heading")
    assert "the-tram-museum-reopened-in-kharkiv-" in page.text_content("#article-heading")
    assert page.locator("#upload >> text=bread.txt").count() == 0
    ask(page, "How many trams does the museum show?")
    assert "14 restored trams" in _bot_messages(page)[-1]


def test_an_article_that_cannot_be_used_says_what_failed(visit, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    page, _ = visit()
    page.click("#own-article button, #own-article .label-wrap")
    page.set_input_files("#upload input[type=file]", str(empty))
    page.wait_for_selector("#own-status >> text=Could not use this article", timeout=60_000)
    status = page.text_content("#own-status")
    assert "empty.txt" in status and "Could not answer" not in status
    page.fill("#paste textarea", "Some new text")
    page.wait_for_function("() => !document.querySelector('#own-status').textContent.includes('Could not use')")


def test_interface_language_follows_the_browser_and_the_chooser(visit):
    page, _ = visit("", locale="uk-UA")
    page.wait_for_selector("#send >> text=Надіслати")
    page, _ = visit("", locale="en-US")
    page.wait_for_selector("#send >> text=Send")
    ask(page, "Where did Tokayev meet Macron?")
    page.click("#ui-language input")
    page.click("[role=option] >> text=Українська")
    page.wait_for_selector("#send >> text=Надіслати")
    assert "Мова інтерфейсу" in page.text_content("#ui-language")
    page.wait_for_function("() => document.documentElement.lang === 'uk'")
    assert page.url.endswith("?lang=uk")
    assert page.title().endswith("· Чат зі статтею")
    assert "Парижі" in _bot_messages(page)[-1], "the conversation was lost"
    assert page.locator('#chat a[href="#para-9"]').last.get_attribute("aria-label") == "абзац 9"
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#send >> text=Надіслати")


def _examples(page) -> list[str]:
    return page.eval_on_selector_all("#chat button.example", "els => els.map(e => e.textContent.trim())")


def test_examples_fit_the_article_then_clear_and_markdown_download(visit, assistant):
    page, _ = visit()
    page.click("#download")  # an empty chat: nothing to download, and the page says so
    page.wait_for_selector("text=Nothing to download yet")
    sections = list(dict.fromkeys(" ".join(p.section.split()) for p in assistant.article.paragraphs if p.section))
    examples = _examples(page)
    assert examples == ["Summarize the article in 3 bullet points"] + [f"Що в статті сказано про «{s}»?" for s in sections[:3]]
    page.click(f"#chat button.example >> text={examples[1]}")
    page.wait_for_selector("#chat .message.bot a[href^='#para-']")
    with page.expect_download() as info:
        page.click("#download")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {examples[1]}" in text and "- [¶" in text
    page.click("#clear")
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length === 0")
    page.click("#chat button.example >> text=Summarize the article")
    page.wait_for_selector("#chat .message.bot a[href^='#para-']")
    assert page.locator("#mode input[value=summary]").is_checked()
    assert "*Summarize:*" not in _bot_messages(page)[-1]
    assert page.locator("#chat .message.user").last.text_content().strip().startswith("Summarize:")


def test_copy_button_copies_readable_text_with_paragraph_markers(visit):
    page, _ = visit(permissions=["clipboard-read", "clipboard-write"])
    ask(page, "Where did Tokayev meet Macron?")
    page.locator("#chat button[aria-label='Copy message']").last.click()
    page.wait_for_timeout(200)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("The article says: «") and copied.endswith("[¶9]"), copied
    assert "#para-" not in copied and "\\" not in copied


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_first_load_shows_the_buttons_on_a_desktop_and_the_question_box_on_a_phone(visit, language):
    page, _ = visit(f"?lang={language}", viewport={"width": 1400, "height": 900})
    page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=language)
    for button in ("#send", "#clear", "#download"):
        box = page.locator(button).bounding_box()
        assert box["y"] + box["height"] <= 900, (button, box)
    phone, _ = visit(f"?lang={language}", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.wait_for_function("(lang) => document.documentElement.lang === lang", arg=language)
    phone.wait_for_timeout(300)
    box = phone.locator("#question textarea").bounding_box()
    assert box["y"] + box["height"] <= 844, f"the question box is below the fold: {box}"


def _contrast(page, selector: str, pseudo: str | None = None) -> float:
    """WCAG contrast of an element's text against the first opaque background behind it."""
    return page.evaluate(
        """([selector, pseudo]) => {
            const el = document.querySelector(selector);
            const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
            const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
            let bg = null;
            for (let e = el; e && !bg; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] === 1) bg = c;
            }
            const fg = rgb(getComputedStyle(el, pseudo).color);
            const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
            return (a + 0.05) / (b + 0.05);
        }""",
        [selector, pseudo],
    )


def test_paragraph_numbers_dates_and_placeholder_meet_wcag_aa(visit):
    page, _ = visit()
    for selector, pseudo in [
        ("#para-4 .pnum", None),
        ("#para-2 .ptext", None),
        ("#para-3 .ptext", None),
        ("#question textarea", "::placeholder"),
    ]:
        assert _contrast(page, selector, pseudo) >= 4.5, selector


def test_phone_width_stacks_the_article_under_the_chat(visit):
    page, _ = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    chat, article = page.locator("#chat").bounding_box(), page.locator("#article-view").bounding_box()
    assert article["y"] > chat["y"] + chat["height"] - 1
    box = page.locator("#question textarea").bounding_box()
    assert box["y"] + box["height"] <= 844, f"the question box is below the fold: {box}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-phone.png"))
    ask(page, "Where did Tokayev meet Macron?")
    link = page.locator('#chat .message.bot a[href="#para-9"]').last
    assert page.locator("#back-to-answer").is_hidden()
    link.click()
    page.wait_for_selector("#para-9.cited mark")
    page.wait_for_timeout(300)
    assert _paragraph_in_view(page, 9)
    assert not link.evaluate("a => { const r = a.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight }")
    page.screenshot(path=str(ARTIFACTS / "page-phone-citation.png"))
    page.click("#back-to-answer >> text=Back to the answer")
    page.wait_for_timeout(300)
    assert link.evaluate("a => { const r = a.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight }")
    assert link.evaluate("a => document.activeElement === a")
    assert page.locator("#back-to-answer").is_hidden()


def test_check_mode_shows_verdicts_in_a_table_with_downloads(visit):
    page, _ = visit(viewport={"width": 1400, "height": 900})
    page.click("#mode >> text=Check a claim")
    page.wait_for_selector("#question textarea[placeholder*='claim']")
    claims = "The article says Tokayev met Xi Jinping in October.\nThe article says Kazakhstan signed a gas deal with Germany.\n<b>bold</b> claim"
    ask(page, claims)
    answer = _bot_messages(page)[-1]
    assert "contradicted" in answer and "not in the article" in answer
    page.wait_for_selector("#claims-table table.claims")
    table = page.text_content("#claims-table")
    assert "October" in table and "contradicted" in table and "<b>bold</b>" in table
    assert page.locator("#claims-table b").count() == 0
    verdict = page.locator("#claims-table .verdict.v-contradicted").first
    assert "contradicted" in verdict.text_content()
    colours = verdict.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours == ["rgb(132, 32, 41)", "rgb(248, 215, 218)"], colours
    _assert_table_readable(page, 1400)
    with page.expect_download() as info:
        page.click("#claims-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("claim,verdict,paragraph")
    assert "The article says Tokayev met Xi Jinping in October.,contradicted,¶9" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-check.png"), full_page=True)


def _assert_table_readable(page, width: int) -> None:
    """Every cell fits its column (no text cut off), nothing is wider than the screen, and no
    header is broken letter by letter (on a phone the headers stand beside each cell instead); the
    font is the page's, not monospace."""
    facts = page.evaluate(
        """() => {
            const table = document.querySelector('#claims-table table.claims');
            const cells = [...table.querySelectorAll('th, td')].filter((c) => c.offsetParent);
            return {
                clipped: cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent.slice(0, 30)),
                right: Math.max(...cells.map((c) => c.getBoundingClientRect().right)),
                tall: [...table.querySelectorAll('th')].filter((c) => table.tHead.getBoundingClientRect().height > 1 && c.getBoundingClientRect().height > 60).map((c) => c.textContent),
                evidence: [...table.querySelectorAll('td.c3')].every((c) => c.offsetParent && c.getBoundingClientRect().width > 100),
                font: getComputedStyle(table.querySelector('td')).fontFamily,
            };
        }"""
    )
    assert facts["clipped"] == [] and facts["tall"] == [], facts
    assert facts["right"] <= width and facts["evidence"], facts
    assert "monospace" not in facts["font"], facts


def test_claims_table_in_ukrainian_at_phone_width(visit):
    page, _ = visit("?lang=uk", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.click("#mode >> text=Перевірити твердження")
    ask(page, "Токаєв зустрівся з Сі Цзіньпіном у жовтні.\nКазахстан підписав газову угоду з Німеччиною.")
    page.wait_for_selector("#claims-table table.claims")
    headers = page.eval_on_selector_all("#claims-table th", "els => els.map(e => e.textContent)")
    assert headers == ["Твердження", "Висновок", "¶", "Доказ"]
    labels = page.eval_on_selector_all("#claims-table td", "els => els.map(e => getComputedStyle(e, '::before').content)")
    assert '"Доказ: "' in labels
    assert "суперечить статті" in page.text_content("#claims-table .v-contradicted")
    _assert_table_readable(page, 390)
    page.locator("#claims").first.screenshot(path=str(ARTIFACTS / "page-check-phone.png"))
