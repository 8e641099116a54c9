"""The parts of answer choice that need no model: answer kinds, language, follow-up words, the
word-alignment arithmetic and the logistic models, on small hand-made inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.answer_type import asks_amount, sentence_kinds, states_amount, wanted_kind
from assistant.extractive import Evidence, answer_after_question, holding_amount, section_starts
from assistant.followup import needs_context, retrieval_query
from assistant.identity import asked_name, mentions
from assistant.models import Message
from assistant.ranking import Alignment, Logistic, Question, shipped_model
from assistant.two_part import split_question
from index.embeddings import WordVectors
from index.store import SentenceRef
from index.text import detect_language


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who scored the winning goal?", "person"),
        ("Хто очолює ансамбль?", "person"),
        ("Кем работал его отец?", "person"),
        ("When did the bog dry out?", "date"),
        ("Коли відкрили басейн?", "date"),
        ("В каком году начался конкурс?", "date"),
        ("How many countries voted?", "number"),
        ("Скільки коштує квиток?", "number"),
        ("Сколько команд участвует?", "number"),
        ("Where is the new school?", "place"),
        ("Де відбувся фінал?", "place"),
        ("Где живут голуби?", "place"),
        ("Why did the governor resign?", None),
        ("Що сказав мер про бюджет?", None),
    ],
)
def test_wanted_kind(question, kind):
    assert wanted_kind(question) == kind


def test_sentence_kinds_find_people_places_numbers_and_dates():
    assert {"person", "place"} <= sentence_kinds("Вчора у Львові Олена Ковальчук відкрила виставку.", "uk")
    assert "number" in sentence_kinds("Турнір зібрав 12 команд.", "uk")
    assert "date" in sentence_kinds("Матч відбувся 5 лютого.", "uk")
    assert "date" in sentence_kinds("Это случилось в 1998 году.", "ru")
    assert sentence_kinds("Погода була гарна.", "uk") == frozenset()


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How many teams signed up?", True),
        ("Скільки коштує квиток?", True),
        ("Сколько лет городу?", True),
        ("What is the population of the city?", True),
        ("How long did the match last?", False),  # "until the rain came" answers it too
        ("Как часто ходят автобусы?", False),
        ("Who scored first?", False),
        ("Чому закрили школу?", False),
    ],
)
def test_asks_amount(question, asks):
    assert asks_amount(question) is asks


@pytest.mark.parametrize(
    ("sentence", "language", "amount"),
    [
        ("На змагання заявилося 30 команд.", "uk", True),
        ("Чергувати мали три зміни.", "uk", True),
        ("Прийшло кілька сотень людей.", "uk", True),
        ("Шестикратный обладатель премии выступил первым.", "ru", True),
        ("Half of the money went to the army.", "en", True),
        ("Курс склав 8,7080 гривні.", "uk", True),
        ("Діти займаються різними видами спорту.", "uk", False),
        ("А буквально 24 лютого з'явилося повідомлення.", "uk", False),  # a day, not an amount
        ("У 2013 році на болоті оселилися бобри.", "uk", False),  # a year
        ("Розпочався третій фестиваль.", "uk", False),  # an ordinal
        ("It opened on May 5.", "en", False),
        ("It happened in 2014.", "en", False),
        ("Су-25 злетів о 15:00.", "uk", False),  # a figure in a name, a time
        ("Матч почався о 9:30 і закінчився внічию.", "uk", False),
        ("«Медик» розгромив «Візаж» 8:2.", "uk", True),  # a score is an amount, a clock time is not
        ("COVID-19 повернувся.", "uk", False),
        ("Багатий чоловік купив багатоповерхівку.", "uk", False),  # "багат-" is not "багато"
        ("Прийшли троє чоловіків.", "uk", True),
        ("A hundred people came.", "en", True),
    ],
)
def test_states_amount(sentence, language, amount):
    assert states_amount(sentence, language) is amount


def _evidence(text: str, score: float) -> Evidence:
    return Evidence(SentenceRef(1, int(score * 1000), int(score * 1000) + len(text), text), score, score)


def test_sections_start_where_the_heading_changes_or_the_text_is_not_body():
    from index.article import Article, ArticleMeta, Paragraph

    paragraphs = [
        Paragraph(number=1, text="Заголовок", kind="title"),
        Paragraph(number=2, text="Перший абзац.", section=None),
        Paragraph(number=3, text="Другий абзац.", section=None),
        Paragraph(number=4, text="Під підзаголовком.", section="Ціни"),
        Paragraph(number=5, text="Далі.", section="Ціни"),
    ]
    article = Article(id="a", content_hash="h", meta=ArticleMeta(language="uk"), paragraphs=paragraphs)
    assert section_starts(article) == {1, 4}


def test_holding_keeps_near_candidates_that_state_an_amount():
    scored = [
        _evidence("Діти займаються спортом.", 0.90),
        _evidence("Секцію відвідують 40 дітей.", 0.88),
        _evidence("Басейн має 6 доріжок.", 0.70),
    ]
    assert [e.sentence.text for e in holding_amount(scored, "uk", margin=0.03)] == ["Секцію відвідують 40 дітей."]
    assert holding_amount(scored[:1], "uk", margin=0.03) == []  # the article gives no figure: refuse
    assert holding_amount([], "uk") == []


def test_a_question_the_article_asks_itself_is_quoted_with_the_sentence_after_it():
    sentences = [
        SentenceRef(1, 0, 40, "Що ми бачимо на прилавках шкільних буфетів?"),
        SentenceRef(1, 41, 80, "Переважно солодкі напої та соки в пакетах."),
        SentenceRef(2, 0, 30, "Чи це корисно для дітей?»"),
        SentenceRef(4, 0, 20, "Лікарі кажуть, що ні."),
        SentenceRef(4, 21, 50, "А що далі?!"),
    ]
    asked, answer, far, _reply, final = (Evidence(s, 0.9, 0.9) for s in sentences)
    assert [e.sentence for e in answer_after_question(sentences, [asked])] == sentences[:2]
    assert answer_after_question(sentences, [asked, answer]) == [asked, answer]  # quoted once
    assert answer_after_question(sentences, [answer]) == [answer]  # not a question: as it was
    assert answer_after_question(sentences, [far]) == [far]  # the next sentence is two paragraphs on
    assert answer_after_question(sentences, [final]) == [final]  # a question ending the article
    assert answer_after_question(sentences[2:], [far], starts=set()) == [far]
    moved = [SentenceRef(2, 0, 30, "Чи це корисно для дітей?"), SentenceRef(3, 0, 20, "Лікарі кажуть, що ні.")]
    asking = Evidence(moved[0], 0.9, 0.9)
    assert len(answer_after_question(moved, [asking], starts=set())) == 2  # the next paragraph's first sentence
    assert answer_after_question(moved, [asking], starts={3}) == [asking]  # not across a section


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("Who is Petro Bilyi?", ["petro", "bilii"]),
        ("And who was Dami Im?", ["dami", "im"]),
        ("Хто така Марія, яка перекладала лекції?", ["mariia"]),
        ("Кто такой Эдуард Басурин?", ["eduard", "basurin"]),
        ("What is Svitanok?", ["svitanok"]),
        ("Что такое «Ехо»?", ["ekho"]),
        ("What is Ukraine's population?", None),  # a question about a name, not what the name is
        ("Who is Ivan Petrenko meeting in Lviv?", None),  # asks about someone else
        ("Who is Petrenko's wife?", None),
        ("Who is the mayor?", None),
        ("Who scored the goal?", None),
    ],
)
def test_asked_name(question, keys):
    assert asked_name(question) == keys


def test_mentions_find_a_name_in_another_script_and_a_surname_alone():
    names = [[None, "kiievi"], ["petro", "bilii", None], [None, "bilii"], ["petrenko"], ["taras", "bilii"], ["p", "bilii"]]
    assert mentions(names, asked_name("Who is Petro Bilyi?")) == [1, 2, 5]  # not Taras Bilyi
    assert mentions(names, asked_name("Хто такий Іван Мельник?")) == []
    assert mentions([["ivanenko"], [None, "ivana"]], asked_name("Who is Ivan?")) == [1]  # not a longer name it starts


@pytest.mark.parametrize(
    ("question", "halves"),
    [
        ("Which units took the zone, and why does it matter?", ("Which units took the zone?", "Why does it matter?")),
        (
            "Скільки студентів навчається в місті і чому викладачам вони потрібні?",
            ("Скільки студентів навчається в місті?", "Чому викладачам вони потрібні?"),
        ),
        ("Какую песню исполнили дети и кто её написал?", ("Какую песню исполнили дети?", "Кто её написал?")),
        ("Хто і в які роки відновлював болото?", None),  # one sentence answers "who and when"
        ("When and where was the match?", None),
        ("Що сказав мер про бюджет і податки?", None),
        ("Скільки " + " " * 5000 + "x and " * 500, None),  # long runs answer at once, no backtracking
    ],
)
def test_split_question(question, halves):
    assert split_question(question) == halves


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Яке населення Казахстану?", "uk"),  # no і/ї/є/ґ, but words only Ukrainian has
        ("Чию бринзу визнали найкращою?", "uk"),
        ("Какое население Казахстана?", "ru"),
        ("Кто основал McKinsey & Company?", "ru"),  # Latin names inside a Russian question
        ("Who founded Нафтогаз?", "en"),
        ("What is the population?", "en"),
        ("12345 !!!", "other"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_follow_up_words_are_generic_pronouns():
    data = json.loads(Path("assistant/data/followup_words.json").read_text(encoding="utf-8"))
    assert {"he", "they", "він", "вони", "он", "они"} <= {w for k, ws in data.items() if not k.startswith("_") for w in ws}
    assert needs_context("What did he say about the budget?")
    assert not needs_context("What did the mayor say about the city budget?")
    history = [Message(role="user", content="Хто такий Іван Петренко?"), Message(role="assistant", content="...")]
    assert retrieval_query("А що він сказав?", history).startswith("Хто такий Іван Петренко?")


def _words(vectors: list[list[float]]) -> WordVectors:
    m = np.asarray(vectors, dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return WordVectors("x " * len(m), tuple((2 * i, 2 * i + 1) for i in range(len(m))), m)


class _Profile:
    """Just what Alignment reads of an ArticleProfile: three sentences of word vectors."""

    def __init__(self, sentences: list[WordVectors]) -> None:
        self.sentence_word_vectors = [s.vectors for s in sentences]
        self.all_words = np.concatenate(self.sentence_word_vectors)
        self.word_rows = np.repeat(np.arange(len(sentences)), [len(s.vectors) for s in sentences])

        class _Indexed:
            pass

        self.indexed = _Indexed()
        self.indexed.sentences = list(range(len(sentences)))


def test_alignment_prefers_the_sentence_that_covers_every_content_word():
    a, b, c = [1, 0, 0], [0, 1, 0], [0, 0, 1]
    question = _words([a, b])
    view = Question("q", "en", np.zeros(3), question, question.vectors, None)
    profile = _Profile([_words([a, c]), _words([a, b, c]), _words([c])])
    align = Alignment(profile, view, [0, 1, 2])
    assert align.sentence(1)[0] > align.sentence(0)[0] > align.sentence(2)[0]
    assert align.sentence(1)[2] == 1.0  # both words covered
    assert align.coverage()["article_uncovered"] == 0
    gone = Alignment(profile, view, [0, 2], exclude=(1,))
    assert gone.coverage()["article_uncovered"] == 1  # b is nowhere else: the article is silent on it


def test_logistic_round_trip_and_shipped_model_matches_features():
    from assistant.ranking import ANSWERABLE_FEATURES, SELECT_FEATURES

    m = Logistic(("f1", "f2"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([0.5, -1.0]), 0.25)
    x = np.array([[3.0, 1.0]])
    assert Logistic.from_json(m.to_json()).logits(x)[0] == pytest.approx(0.5 * 1.0 - 1.0 + 0.25)
    shipped = shipped_model()
    assert shipped.select.features == SELECT_FEATURES
    assert shipped.answerable.features == ANSWERABLE_FEATURES
    assert 0.0 < shipped.threshold < 1.0
