"""assistant/service.py `Assistant` as a dispatcher, and the request cleaning in front of it, with
fake modes; `assistant.phrases.quoted`, the one quote formatter.

The modes, the claim checker and the retriever are replaced by fakes (allowed in a unit test):
the service's own job is to clean the question, work out its language, turn the history into
messages and hand one `Request` to the mode asked for. The real modes are exercised end to end in
tests/test_assistant.py and tests/test_modes.py."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

import assistant.service as service
from assistant.models import MODES, AnswerResult, Message, QuestionError
from assistant.modes import ArticleParts, Request
from assistant.phrases import PHRASES, phrase, quoted
from assistant.service import Assistant, clean_question


class _FakeMode:
    """Records every request and answers with two pieces, then the result."""

    mode = "answer"

    def __init__(self, parts: ArticleParts) -> None:
        self.parts = parts
        self.requests: list[Request] = []

    def stream(self, request: Request):
        self.requests.append(request)
        yield f"{self.mode} piece 1 [¶1]"
        yield " piece 2"
        yield AnswerResult(question=request.question, answer=self.mode, language=request.language, refused=False, mode=self.mode)


class FakeAnswer(_FakeMode):
    mode = "answer"


class FakeSummary(_FakeMode):
    mode = "summary"


class FakeCheck(_FakeMode):
    mode = "check"


LIMIT = 40


@pytest.fixture
def made(monkeypatch):
    """An Assistant built by its own constructor, with the modes and what they load replaced."""
    built: dict[str, tuple] = {}
    monkeypatch.setattr(service, "AnswerMode", FakeAnswer)
    monkeypatch.setattr(service, "SummaryMode", FakeSummary)
    monkeypatch.setattr(service, "CheckMode", FakeCheck)
    monkeypatch.setattr(service, "ClaimChecker", lambda indexed, embedder: built.setdefault("claims", ("claims", indexed, embedder)))
    monkeypatch.setattr(service, "Retriever", lambda store, indexed: built.setdefault("retriever", ("retriever", store, indexed)))
    settings = SimpleNamespace(max_question_chars=LIMIT)
    indexed = SimpleNamespace(article=SimpleNamespace(id="invented"))
    assistant = Assistant(settings, "embedder", "store", indexed)
    return SimpleNamespace(assistant=assistant, built=built, settings=settings, indexed=indexed)


def _requests(assistant: Assistant) -> dict[str, list[Request]]:
    return {name: mode.requests for name, mode in assistant.modes.items()}


def test_every_mode_is_built_once_on_the_same_shared_parts(made):
    a = made.assistant
    assert set(a.modes) == set(MODES)
    assert {name: type(m) for name, m in a.modes.items()} == {"answer": FakeAnswer, "summary": FakeSummary, "check": FakeCheck}
    assert all(m.parts is a.parts for m in a.modes.values())
    assert a.parts.claims == ("claims", made.indexed, "embedder")
    assert a.parts.retriever == ("retriever", "store", made.indexed)
    assert a.generator is None  # no model: the offline answerers
    assert a.settings is made.settings and a.indexed is made.indexed and a.article is made.indexed.article


@pytest.mark.parametrize("mode", MODES)
def test_the_question_goes_to_the_mode_asked_for_and_no_other(made, mode):
    result = made.assistant.ask("Скільки коштує квиток до Вербівки?", mode=mode)
    assert result.mode == mode and result.answer == mode
    assert {name: len(r) for name, r in _requests(made.assistant).items()} == {m: int(m == mode) for m in MODES}


def test_answer_is_the_default_mode(made):
    assert made.assistant.ask("Who painted the bridge?").mode == "answer"


def test_the_mode_gets_the_question_as_written_and_as_cleaned_with_its_language(made):
    asked = "  Кто\u202e  открыл\x00 новую\tпекарню?  "
    before = time.perf_counter()
    made.assistant.ask(asked, mode="summary")
    (request,) = made.assistant.modes["summary"].requests
    assert request.question == asked  # what the result repeats
    assert request.text == "Кто открыл новую пекарню?"
    assert request.language == "ru"
    assert request.turns == []
    assert before <= request.started <= time.perf_counter()


def test_history_turns_become_messages(made):
    history = [{"role": "user", "content": "Who runs the ferry?"}, Message(role="assistant", content="«Ostap does.» [¶2]")]
    made.assistant.ask("And since when?", history=history)
    (request,) = made.assistant.modes["answer"].requests
    assert request.turns == [Message(role="user", content="Who runs the ferry?"), Message(role="assistant", content="«Ostap does.» [¶2]")]
    assert request.language == "en"


def test_stream_sends_the_modes_pieces_then_the_result_and_ask_keeps_the_result(made):
    items = list(made.assistant.stream("Що продає чайна?", mode="check"))
    assert items[:2] == ["check piece 1 [¶1]", " piece 2"]
    assert isinstance(items[2], AnswerResult) and len(items) == 3
    assert made.assistant.ask("Що продає чайна?", mode="check") == items[2]


@pytest.mark.parametrize("question", ["A fair question?", None, "", "x" * (LIMIT + 1)])
def test_an_unknown_mode_is_refused_before_the_question_is_read_or_any_mode_runs(made, question):
    with pytest.raises(QuestionError, match="Unknown mode 'poem'; use one of: answer, summary, check"):
        made.assistant.ask(question, mode="poem")
    assert all(not r for r in _requests(made.assistant).values())


@pytest.mark.parametrize(
    ("question", "says"),
    [("", "empty"), (" \n\t\u200b\u202e ", "empty"), ("x" * (LIMIT + 1), f"the limit is {LIMIT}"), (b"bytes?", "must be text")],
)
def test_a_question_that_cannot_be_asked_reaches_no_mode(made, question, says):
    for mode in MODES:
        with pytest.raises(QuestionError, match=says):
            made.assistant.ask(question, mode=mode)
    assert all(not r for r in _requests(made.assistant).values())


# --- clean_question -----------------------------------------------------------------------------


def test_control_and_direction_characters_become_spaces_and_collapse():
    assert clean_question("Хто\x00відкрив\x1b[31m\x7fпекарню?", 100) == "Хто відкрив [31m пекарню?"
    assert clean_question("\u202eWho \u2066painted\u2069 the\u200b bridge?\u200f", 100) == "Who painted the bridge?"
    assert clean_question("\x0bline\x0cfeed\x0dreturn", 100) == "line feed return"


def test_line_breaks_stay_one_apart_and_no_break_spaces_are_spaces_too():
    assert clean_question("Перше.\n\n\nДруге.", 100) == "Перше.\nДруге."
    assert clean_question("40\u00a0гривень?", 100) == "40 гривень?"


def test_the_limit_counts_the_cleaned_question():
    assert clean_question("a" * 10, 10) == "a" * 10
    assert clean_question("   " + "a" * 10 + " \n ", 10) == "a" * 10
    assert clean_question("a" + " " * 50 + "b", 3) == "a b"
    with pytest.raises(QuestionError, match="11 characters long; the limit is 10"):
        clean_question("a" * 11, 10)


@pytest.mark.parametrize("question", [None, 42, b"bytes", ["a list"]])
def test_only_text_is_a_question(question):
    with pytest.raises(QuestionError, match="must be text"):
        clean_question(question, 100)


# --- phrases ------------------------------------------------------------------------------------


def test_quoted_puts_the_text_in_guillemets_with_its_paragraph():
    assert quoted("Пором ходить двічі на день.", 7) == "«Пором ходить двічі на день.» [¶7]"
    assert quoted("Він сказав: «Досить».", 12) == "«Він сказав: «Досить».» [¶12]"  # inner quotes verbatim


def test_quoted_turns_only_line_breaks_into_spaces():
    assert quoted("Ціна —\n40\u00a0гривень.", 3) == "«Ціна — 40\u00a0гривень.» [¶3]"
    assert quoted("Рядок один,   \r\n\n  рядок два.", 3) == "«Рядок один, рядок два.» [¶3]"
    assert quoted("Два  пробіли\tі\u202fвузький.", 3) == "«Два  пробіли\tі\u202fвузький.» [¶3]"  # no line break: as written


def test_every_language_has_every_phrase_and_others_fall_back_to_english():
    assert {lang: set(p) for lang, p in PHRASES.items() if lang != "en"} == {lang: set(PHRASES["en"]) for lang in PHRASES if lang != "en"}
    assert phrase("de", "refuse") == PHRASES["en"]["refuse"]
    assert phrase("uk", "says") == "У статті сказано:"


# --- what the modes share -----------------------------------------------------------------------


def test_a_ready_answer_is_sent_in_pieces_ending_at_a_citation_then_whole():
    from assistant.modes.base import pieces

    result = AnswerResult(question="q", answer="Says: «A.» [¶1] «B [c].» [¶2] Not answered.", language="en", refused=False)
    sent = list(pieces(result))
    assert sent == ["Says: «A.» [¶1]", " «B [c].» [¶2]", " Not answered.", result]
    assert "".join(sent[:-1]) == result.answer
    refusal = AnswerResult(question="q", answer="No answer here.", language="en", refused=True)
    assert list(pieces(refusal)) == ["No answer here.", refusal]


def test_a_citation_carries_the_whole_paragraph_the_quote_and_a_rounded_score():
    from index.article import Article, ArticleMeta, Paragraph

    article = Article(
        id="ferry",
        content_hash="any",
        meta=ArticleMeta(language="uk"),
        paragraphs=[Paragraph(number=1, text="Пором ходить двічі на день. Квиток коштує 40\u00a0гривень.")],
    )
    parts = ArticleParts(None, None, None, SimpleNamespace(article=article), None, None, None)
    citation = parts.cite(1, "Квиток коштує 40\u00a0гривень.", 0.876543)
    assert citation.text == article.paragraphs[0].text
    assert citation.quote in citation.text
    assert citation.score == 0.8765
    with pytest.raises(KeyError):
        parts.cite(2, "x", 1.0)
