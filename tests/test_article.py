"""Parsing the default article and other formats into numbered paragraphs."""

from __future__ import annotations

import pytest

from index.article import DEFAULT_ARTICLE, article_from_bytes, load_article, quotable_sentences
from index.readers import ArticleError


@pytest.fixture(scope="module")
def article():
    return load_article(DEFAULT_ARTICLE, article_id="default")


def test_metadata_is_captured(article):
    assert article.meta.title.startswith("Токаєв заручився підтримкою")
    assert article.meta.published == "1 грудня 2022, 12:21"
    assert article.meta.source == "The Washington Post"
    assert article.meta.language == "uk"


def test_numbering_is_one_based_in_reading_order(article):
    assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    texts = [p.text for p in article.paragraphs if p.kind != "meta" or p.text[0].isdigit()]
    raw = DEFAULT_ARTICLE.read_text(encoding="utf-8")
    positions = [raw.find(t.split("\n")[0][:40]) for t in texts]
    assert all(pos >= 0 for pos in positions)
    assert positions == sorted(positions)


def test_display_text_is_exact(article):
    raw = DEFAULT_ARTICLE.read_text(encoding="utf-8")
    for p in article.paragraphs:
        if p.kind != "meta":
            assert p.text in raw, p.number
    assert any("\u00a0" in p.text for p in article.paragraphs)


def test_navigation_lines_are_never_paragraphs(article):
    for p in article.paragraphs:
        assert not p.text.startswith(("Читать новость", "Цікаво", "До теми"))


def test_headings_become_sections_not_paragraphs(article):
    headings = {"Приклад Казахстану", "Касим-Жомарт Токаєв\u00a0відсторонюється\u00a0від Путіна", "Відносини\u00a0Казахстану та Росії"}
    assert not {p.text.strip() for p in article.paragraphs} & {h.strip() for h in headings}
    sections = {p.section for p in article.paragraphs if p.section}
    assert {s.strip("\u00a0 ") for s in sections} == {h.strip("\u00a0 ") for h in headings}


def test_each_bullet_is_its_own_paragraph(article):
    items = [p for p in article.paragraphs if p.kind == "list_item"]
    assert len(items) == 3
    assert items[0].text.startswith("Російський опозиційний журналіст")
    assert items[2].text.startswith("Зазначимо, що раніше")


def test_quote_keeps_its_attribution(article):
    quote = next(p for p in article.paragraphs if "люди дуже обережно" in p.text)
    assert "розповів\u00a0політолог Дімаш Альжанов" in quote.text
    last = quotable_sentences(quote)[-1][2]
    assert last.endswith("Дімаш Альжанов.") and "Казахстаном" in last


def test_dangling_list_intro_is_not_quotable(article):
    para = next(p for p in article.paragraphs if "Ба більше Казахстан:" in p.text)
    assert all(not s.strip().endswith(":") for _, _, s in quotable_sentences(para))


def test_quotable_sentences_are_substrings(article):
    for p in article.paragraphs:
        for start, end, text in quotable_sentences(p):
            assert p.text[start:end] == text


def test_markdown_article():
    md = "# Title here\n\nFirst paragraph. Second sentence.\n\n## Section\n\n- item one\n- item two\n\nClosing text.\n"
    a = article_from_bytes(md.encode(), "x.md")
    assert a.meta.title == "Title here"
    assert [p.kind for p in a.paragraphs] == ["title", "body", "list_item", "list_item", "body"]
    assert a.paragraphs[2].section == "Section"


def test_html_article_drops_scripts_and_styles():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        '<meta property="article:published_time" content="2024-05-01"></head>'
        "<body><nav>Home | News</nav><h1>Big news</h1><p>The mayor said <b>yes</b>.</p>"
        "<script>alert('x')</script><ul><li>One</li><li>Two</li></ul></body></html>"
    )
    a = article_from_bytes(html.encode(), "page.html")
    texts = [p.text for p in a.paragraphs]
    assert texts == ["Big news", "The mayor said yes.", "One", "Two"]
    assert a.meta.published == "2024-05-01"
    assert not any("alert" in t or "color" in t or "Home" in t for t in texts)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"   \n\n ", "empty"), (b"\x00\x01\x02\x03binary\xff\xfe\x00" * 50, "binary")],
)
def test_bad_files_get_clear_errors(data, message):
    with pytest.raises(ArticleError, match=message):
        article_from_bytes(data, "bad.txt")


def test_missing_file(tmp_path):
    with pytest.raises(ArticleError, match="not found"):
        load_article(tmp_path / "nope.txt")


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-8-sig"])
def test_other_encodings_are_detected(encoding):
    text = "Заголовок статті\n\nКиїв оголосив нові правила. Вони діють з понеділка.\n"
    a = article_from_bytes(text.encode(encoding), "a.txt")
    assert a.paragraphs[1].text == "Київ оголосив нові правила. Вони діють з понеділка."


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(encoding):
    text = "Заголовок статті\n\nКиїв оголосив нові правила. Вони діють з понеділка.\n"
    assert article_from_bytes(text.encode(encoding), "a.txt").paragraphs[1].text.startswith("Київ")


@pytest.mark.parametrize("data", [b"\x00\xc2\x80", "Київ".encode("utf-16-be") + b"\x04"])
def test_text_that_only_looks_like_utf16_is_refused_clearly(data):
    """Found by hypothesis: a NUL and one odd byte were decoded as UTF-16 and crashed."""
    with pytest.raises(ArticleError, match="binary"):
        article_from_bytes(data, "odd.txt")
