"""What the page renders: article and answers escaped as text, citation links, transcripts.

A CommonMark renderer (markdown-it-py, with raw HTML allowed like the page's renderer) stands in
for the browser here; the browser tests send hostile text through the real page."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assistant.models import AnswerResult, Citation
from index.article import Article, ArticleMeta, Paragraph
from web import render
from web.strings import STRINGS, pick_language

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
TRICKY = st.text(alphabet=st.sampled_from(list("ab Яж1.)-+*_#=>`<&;[]()!|~$\\:/@w\n\t ")) | st.characters(), max_size=80)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def _squash(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(TRICKY)
def test_escaped_markdown_renders_as_the_same_plain_text(text):
    rendered = _parse(MARKDOWN.render(render.escape_markdown(text)))
    assert rendered.tags <= {"p", "br", "pre", "code"}
    assert _squash("".join(rendered.text)) == _squash(text.replace("\x00", "\ufffd"))


def test_hostile_markup_is_text_not_tags():
    rendered = _parse(
        MARKDOWN.render(render.escape_markdown('<script>alert(1)</script><img src=x onerror="x()"> **b** [l](http://e.com) www.e.com'))
    )
    assert rendered.tags == {"p"}
    assert "<script>alert(1)</script>" in "".join(rendered.text)


def _result(answer: str, citations: list[tuple[int, str]]) -> AnswerResult:
    return AnswerResult(
        question="q",
        answer=answer,
        language="uk",
        refused=False,
        citations=[Citation(paragraph=n, text=f"before {q} after", quote=q, score=0.9) for n, q in citations],
    )


def test_citation_markers_become_links_carrying_their_quotes():
    result = _result('Сказано: «a "b" <c>» [¶3] і «d» [¶3] та [¶7]', [(3, 'a "b" <c>'), (3, "d")])
    html = MARKDOWN.render(render.answer_markdown(result.answer, result.citations))
    assert html.count('href="#para-3"') == 2
    assert 'title="a &quot;b&quot; &lt;c&gt; ‖ d"' in html
    assert "para-7" not in html and "[¶7]" in html  # a marker without a citation stays text


def test_refused_answer_says_so_in_the_interface_language():
    result = AnswerResult(question="q", answer="У статті немає відповіді на це питання.", language="uk", refused=True)
    assert STRINGS["en"]["refused"] in render.result_markdown(result, "en")


def _article(texts: list[str]) -> Article:
    paragraphs = [Paragraph(number=i, text=x, kind="body", section="S" if i > 1 else None) for i, x in enumerate(texts, 1)]
    return Article(id="t", path=None, content_hash="h", meta=ArticleMeta(title="T"), paragraphs=paragraphs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60).filter(str.strip), min_size=1, max_size=5))
def test_article_panel_shows_every_paragraph_as_text_with_its_number(texts):
    texts = [x.replace("\x00", " ").replace("\r", " ") for x in texts]
    html = render.article_html(_article(texts))
    parsed = _parse(html)
    assert parsed.tags <= {"div", "p", "span", "h2"}
    assert [f'id="para-{n}"' in html for n in range(1, len(texts) + 1)] == [True] * len(texts)
    expected = "".join(t for n, x in enumerate(texts, 1) for t in ((["S"] if n == 2 else []) + [str(n), x]))
    assert "".join(parsed.text) == expected


def test_transcript_has_questions_answers_and_citations():
    article = _article(["Перший.", "Другий абзац."])
    turns = [
        {"question": "Що?", "mode": "answer", "result": _result("Сказано: «Другий» [¶2]", [(2, "Другий")]).model_dump()},
        {"question": "", "mode": "summary", "result": None, "error": "Mode 'summary' is not available yet"},
    ]
    text = render.transcript_markdown(article, turns, "uk")
    assert text.startswith("# Розмова про «T»")
    assert "## 1. Що?" in text and "Сказано: «Другий» [¶2]" in text
    assert "- [¶2] «Другий»" in text and "  - ¶2: before Другий after" in text
    assert "(режим: Підсумувати)" in text and "not available yet" in text


def test_interface_language_choice():
    assert pick_language("uk-UA,uk;q=0.9,en-US") == "uk"
    assert pick_language("de-DE,ru;q=0.8") == "ru"
    assert pick_language("fr") == "en"
    assert pick_language(None) == "en"
    assert all(set(v) == set(STRINGS["en"]) for v in STRINGS.values())


def test_a_multi_line_claim_check_keeps_its_heading_on_one_line():
    article = _article(["Перший.", "Другий абзац."])
    check = _result("1. «A» — supported [¶2]", [(2, "Другий")]).model_dump() | {"mode": "check"}
    turns = [{"question": "Claim one.\nClaim two.\n\nClaim three.", "mode": "check", "result": check}]
    lines = render.transcript_markdown(article, turns, "en").splitlines()
    heading = next(line for line in lines if line.startswith("## 1."))
    assert heading == "## 1. Claim one. Claim two. Claim three. (mode: Check a claim)"
    assert lines[lines.index(heading) + 2] == "1. «A» — supported [¶2]"


def test_examples_come_from_the_article_in_use_not_from_any_one_article():
    paragraphs = [
        Paragraph(number=1, text="Harbour news", kind="title"),
        Paragraph(number=2, text="Ships came.", section="The port reopens"),
        Paragraph(number=3, text="Fish was sold.", section="Published: 2026-11-20"),
        Paragraph(number=4, text="More fish.", section="Fish\u00a0prices"),
    ]
    article = Article(id="h", content_hash="h", meta=ArticleMeta(title="Harbour news", language="en"), paragraphs=paragraphs)
    assert render.example_questions(article, "uk") == [
        ("Коротко перекажи статтю в 3 пунктах", "summary"),
        ("What does the article say about “The port reopens”?", "answer"),
        ("What does the article say about “Fish prices”?", "answer"),
    ]
    untitled = _article(["Перший рядок тексту без заголовка", "Другий абзац."]).model_copy(update={"meta": ArticleMeta(language="uk")})
    untitled.paragraphs[1].section = None
    assert render.display_title(untitled) == "Перший рядок тексту без заголовка"
    assert render.example_questions(untitled, "en") == [
        ("Summarize the article in 3 bullet points", "summary"),
        ("У чому головне в статті «Перший рядок тексту без заголовка»?", "answer"),
    ]


def test_claims_table_is_escaped_localized_and_says_each_verdict_in_words():
    claim = {
        "claim": "<b>bold</b> claim",
        "verdict": "contradicted",
        "evidence": [{"paragraph": 9, "quote": "Q & <i>x</i>"}],
        "instead": None,
        "reason": "r",
        "method": "m",
    }
    table = render.claims_html([{"result": {"claims": [claim]}}], "ru")
    parsed = _parse(table)
    assert parsed.tags == {"table", "caption", "thead", "tr", "th", "tbody", "td", "span"}
    assert "<b>" not in table and "&lt;b&gt;bold&lt;/b&gt; claim" in table
    assert ">Утверждение</th>" in table and 'data-label="Доказательство"' in table
    assert 'class="verdict v-contradicted"' in table and "противоречит статье" in table and "¶9" in table
