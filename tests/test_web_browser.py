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
    page, _ = visit()
    page.evaluate("() => { window.__pwned = 0 }")
    page.click("#own-article button, #own-article .label-wrap")
    page.set_input_files("#upload input[type=file]", str(article))
    page.click("#use-article")
    page.wait_for_selector("#article-view >> text=largest loaf", timeout=120_000)
    assert "festival-" in page.text_content("#article-heading")
    assert "<img src=x" in page.text_content("#article-view")
    assert page.evaluate("() => window.__pwned") == 0
    ask(page, "How heavy was the largest loaf?")
    answer = _bot_messages(page)[-1]
    assert "84 kilograms" in answer
    number = int(page.locator("#chat .message.bot a[href^='#para-']").last.get_attribute("href").removeprefix("#para-"))
    assert "84 kilograms" in page.text_content(f"#para-{number}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-own-article.png"))
    page.click("#default-article")
    page.wait_for_selector("#article-view >> text=Макроном", timeout=30_000)
    assert _bot_messages(page) == []


def test_interface_language_follows_the_browser_and_the_chooser(visit):
    page, _ = visit("", locale="uk-UA")
    page.wait_for_selector("#send >> text=Надіслати")
    page, _ = visit("", locale="en-US")
    page.wait_for_selector("#send >> text=Send")
    page.click("#ui-language input")
    page.click("[role=option] >> text=Українська")
    page.wait_for_selector("#send >> text=Надіслати")
    assert "Мова інтерфейсу" in page.text_content("#ui-language")


def test_examples_clear_and_markdown_download(visit):
    page, _ = visit()
    page.click("#chat button >> text=Where did Tokayev meet Macron?")
    page.wait_for_selector('#chat .message.bot a[href="#para-9"]')
    with page.expect_download() as info:
        page.click("#download")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "## 1. Where did Tokayev meet Macron?" in text
    assert "- [¶9] «" in text and "Парижі" in text
    page.click("#clear")
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length === 0")


def test_phone_width_stacks_the_article_under_the_chat(visit):
    page, _ = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    chat, article = page.locator("#chat").bounding_box(), page.locator("#article-view").bounding_box()
    assert article["y"] > chat["y"] + chat["height"] - 1
    ask(page, "Where did Tokayev meet Macron?")
    page.locator('#chat .message.bot a[href="#para-9"]').last.click()
    page.wait_for_selector("#para-9.cited mark")
    page.wait_for_timeout(300)
    assert _paragraph_in_view(page, 9)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-phone.png"))


def test_check_mode_shows_verdicts_in_a_table_with_downloads(visit):
    page, _ = visit()
    page.click("#mode >> text=Check a claim")
    page.wait_for_selector("#question textarea[placeholder*='claim']")
    claims = (
        "The article says Tokayev met Macron in Berlin.\nThe article says Kazakhstan signed a gas deal with Germany.\n<b>bold</b> claim"
    )
    ask(page, claims)
    answer = _bot_messages(page)[-1]
    assert "contradicted" in answer and "not in the article" in answer
    page.wait_for_selector("#claims-table")
    table = page.text_content("#claims-table")
    assert "Berlin" in table and "contradicted" in table and "<b>bold</b>" in table
    assert page.locator("#claims-table b").count() == 0
    with page.expect_download() as info:
        page.click("#claims-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("claim,verdict,paragraph")
    assert "The article says Tokayev met Macron in Berlin.,contradicted,¶9" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-check.png"), full_page=True)
