"""Summaries and claim checks on the real model and store, against the development set's bars."""

from __future__ import annotations

import json

import pytest

from assistant.checkable import DATA, lexicon, name_key, opposites, parts, same_name, strip_preamble
from assistant.claims import claim_language, split_claims
from assistant.key_sentences import parse_request
from assistant.models import QuestionError
from assistant.phrases import phrase
from bench.devset import DEV_QUESTIONS
from index.text import lemma, uk_ru_evidence

pytestmark = pytest.mark.slow
DEV = (
    [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()] if DEV_QUESTIONS.exists() else []
)


def dev_items(kind: str) -> list:
    """The development set's items of one kind; without ../shared, one skipped case that says so
    (an empty list would pass unnoticed)."""
    if not DEV_QUESTIONS.exists():
        reason = f"../shared development questions not present ({DEV_QUESTIONS})"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-dev-questions")]
    return [pytest.param(d, id=d["id"]) for d in DEV if d["kind"] == kind]


@pytest.mark.parametrize("item", dev_items("claim"))
def test_every_development_claim_gets_its_verdict(assistant, item):
    result = assistant.ask(item["q"], mode="check")
    assert result.mode == "check"
    assert result.verdict == item["label"]
    check = result.claims[0]
    assert check.method.startswith("offline")
    for citation in [*check.evidence, *([check.instead] if check.instead else [])]:
        assert citation.quote in citation.text == assistant.article.paragraph(citation.paragraph).text
    quotes = " ".join(c.quote for c in check.evidence)
    for needle in item.get("evidence", []):
        assert needle in quotes


def test_a_contradicted_claim_says_what_the_article_says_instead(assistant):
    result = assistant.ask("The article says Tokayev met Xi Jinping in October.", mode="check")
    check = result.claims[0]
    assert check.verdict == "contradicted"
    assert check.instead.paragraph == 9 and "вересні" in check.instead.quote
    assert "October" in check.reason
    assert "вересні" in result.answer and "[¶9]" in result.answer


@pytest.mark.parametrize(
    "claim",
    ["Tokayev met Macron in Berlin.", "Токаєв зустрівся з Макроном у Берліні.", "Токаев встретился с Макроном в Берлине."],
)
def test_a_place_the_article_never_names_is_never_supported(assistant, claim):
    """The article has the meeting in Paris and never names Berlin: the same-language claim once
    passed on a sentence about meetings in general, its names taken as found by their vectors."""
    check = assistant.ask(claim, mode="check").claims[0]
    assert check.verdict in ("not_verified", "not_in_article", "contradicted")


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("Tokayev recognized the legitimacy of the so-called DNR and LNR.", "contradicted"),  # negation
        ("Токаев отказался признавать легитимность так называемых ДНР и ЛНР.", "supported"),
        ("Эрдоган дал похожее обещание во время визита в марте.", "contradicted"),  # month
        ("Donald Lu offered 100 million dollars to expand trade routes.", "contradicted"),  # number
    ],
)
def test_each_kind_of_mismatch(assistant, claim, verdict):
    assert assistant.ask(claim, mode="check").verdict == verdict


def test_several_claims_give_one_result_each(assistant):
    text = "- The article says Tokayev met Xi Jinping in October.\n2. Китай пообещал поддерживать территориальную целостность Казахстана.\n\nKazakhstan joined NATO."
    result = assistant.ask(text, mode="check")
    assert result.verdict is None
    assert [c.claim for c in result.claims] == [
        "The article says Tokayev met Xi Jinping in October.",
        "Китай пообещал поддерживать территориальную целостность Казахстана.",
        "Kazakhstan joined NATO.",
    ]
    assert [c.verdict for c in result.claims][:2] == ["contradicted", "supported"]
    assert result.claims[2].verdict != "supported"
    assert result.answer.startswith("1. «The article says")


def test_too_many_claims_at_once_is_a_clear_error(assistant):
    with pytest.raises(QuestionError, match="limit is 20"):
        assistant.ask("\n".join(f"Claim number {n}." for n in range(25)), mode="check")


@pytest.mark.parametrize("item", dev_items("summary"))
def test_development_summary_cites_paragraphs_from_different_sections(assistant, item):
    result = assistant.ask(item["q"], mode="summary")
    cited = {c.paragraph for c in result.citations}
    sections = {assistant.article.paragraph(n).section for n in cited}
    assert len(cited) >= item["min_citations"]
    assert len(sections) >= 3
    for alternatives in item["answer_all"]:
        assert any(a in result.answer for a in alternatives), alternatives
    assert result.answer.startswith("Статья в")


@pytest.mark.parametrize(
    ("request_text", "bullets", "frame"),
    [
        ("Summarize the article", 4, "The article in 4 points"),
        ("Коротко перекажи статтю в 3 пунктах", 3, "Стаття в 3 пунктах"),
        ("Перескажи в шести пунктах", 6, "Статья в 6 пунктах"),
    ],
)
def test_summary_length_follows_the_request_and_covers_every_section(assistant, request_text, bullets, frame):
    result = assistant.ask(request_text, mode="summary")
    assert result.answer.startswith(frame)
    assert result.answer.count("\n• ") == bullets == len(result.citations)
    body_sections = {p.section for p in assistant.article.paragraphs if p.kind in ("body", "list_item")}
    covered = {assistant.article.paragraph(c.paragraph).section for c in result.citations}
    assert covered == body_sections if bullets >= len(body_sections) else len(covered) == bullets
    numbers = [c.paragraph for c in result.citations]
    assert numbers == sorted(numbers)


def test_one_paragraph_summary_has_no_bullets(assistant):
    result = assistant.ask("Summarize it in one paragraph", mode="summary")
    assert "•" not in result.answer and "\n" not in result.answer
    assert len(result.citations) >= 3


def test_request_parsing():
    assert parse_request("3 bullet points").bullets == 3
    assert parse_request("в трьох пунктах").bullets == 3
    assert parse_request("Summarize in one paragraph").one_paragraph
    assert parse_request("Explain for a 10-year-old").simple
    assert parse_request("Explain for a 10-year-old").bullets is None


def test_names_meet_across_scripts():
    assert same_name(name_key("Berlin"), name_key("Берлін")) and same_name(name_key("Берлін"), name_key("Берлин"))
    assert same_name(name_key("Парижі"), name_key("Paris"))
    assert same_name(name_key("Kawann"), name_key("Кавэнн"))  # transliterations drift
    assert same_name(name_key("NFL's"), name_key("NFL"))
    assert not same_name(name_key("Berlin"), name_key("Парижі"))
    assert not same_name(name_key("Gazprom"), name_key("Нафтогазу"))


def test_checkable_parts():
    p = parts("Tokayev met Xi Jinping in November, not 7 years ago; he may go.", "en", {name_key("Tokayev")})
    assert [n.surface for n in p.names] == ["Tokayev", "Xi Jinping"]
    assert [m for _, m, _, _ in p.months] == [11]  # "may" here is the verb
    assert [n.values for n in p.numbers] == [{7.0}]
    assert [w for w, _, _ in p.negations] == ["not"]
    assert not parts("Кордон добре охороняють.", "uk").negations
    assert parts("який взагалі не охороняють", "uk").negations
    assert not parts("Тим не менш, місто отримало кошти не раз.", "uk").negations  # phrases whose "не" negates nothing
    assert not parts("Не менш важливим кроком стала реформа.", "uk").negations
    assert [w for w, _, _ in parts("Тем не менее, он не пришёл.", "ru").negations] == ["не"]
    assert strip_preamble("У статті сказано, що Дональд Лу запропонував 50 мільйонів.") == "Дональд Лу запропонував 50 мільйонів."
    assert strip_preamble("За статтею, готівковий долар сягнув 9,50 грн.") == "Готівковий долар сягнув 9,50 грн."
    assert split_claims(" - one\n\n2) two \n• three") == ["one", "two", "three"]


def test_weekdays_and_after():
    """Weekdays are dates in lower case (a capitalised one is a name); "after" is a concept except in set phrases."""

    def days(text: str, language: str) -> list[int]:
        return [d for _, d, _, _ in parts(text, language).weekdays]

    assert days("засідання в п'ятницю, а не в понеділок", "uk") == [5, 1]  # "п'ятницю" is not five
    assert not parts("засідання в п'ятницю", "uk").numbers
    assert days("On Friday and on Sunday", "en") == [5, 7]
    assert days("Андрей Субботин вышел на субботник в субботу", "ru") == [6]
    assert days("Суботник на Пятницкой улице", "uk") == [] == days("загрязняет окружающую среду", "ru")
    assert set(parts("After Zelensky's speech the talks began", "en").concepts) == {"after"}
    assert [n.surface for n in parts("После Москвы делегация поехала в Тулу", "ru").names] == ["Москвы", "Тулу"]
    assert [n.surface for n in parts("WHO warned of a new wave", "en").names] == ["WHO"]  # an acronym still names
    assert not parts("The bridge was named after him", "en").concepts


def test_numbers_in_three_languages():
    def values(text: str, language: str) -> set[float]:
        return set().union(*(n.values for n in parts(text, language).numbers))

    assert values("курс 8,7080 грн", "uk") == values("a rate of 8.7080", "en") == {8.708}
    assert values("1,813199 млрд грн", "uk") >= {1.813199e9} and values("1.813199 billion", "en") >= {1.813199e9}
    assert values("married three times", "en") == {3.0} and values("чотири рази", "uk") == {4.0} and values("пятым городом", "ru") == {5.0}
    assert 2000.0 in values("2,000 spectators", "en") and 2000.0 in values("2 000 глядачів", "uk")
    assert [n.kind for n in parts("in 2016 with 534 points", "en").numbers] == ["date", "number"]
    assert values("two-thirds of its people", "en") == {2 / 3} and values("twenty-five ships", "en") == {25.0}
    assert values("a six-time winner", "en") == set()  # a hyphen joins number words only to number words
    assert values("два-три тижні", "uk") == {2.0, 3.0} and values("thirds-two", "en") == set()  # a range: either end
    assert [n.exact for n in parts("на п'ятому місці п'ять", "uk").numbers] == [False, True]  # read from the stem "п'ят"


def test_opposites_and_language_lists_know_no_article():
    """Opposite words meet across languages; the lists hold words, never this article's people or places."""
    assert opposites()["fixed"] == "flexible" and opposites()["win"] == "lose"
    assert set(parts("НБУ запровадив фіксований курс", "uk").concepts) == {"fixed"}
    assert set(parts("the NBU moved to a flexible rate", "en").concepts) == {"flexible"}
    first = parts("Він став першим мером міста", "uk")  # an ordinal counts and says "first"
    assert set(first.concepts) == {"first"} and [n.values for n in first.numbers] == [{1.0}]
    assert set(parts("Тесла стал первым", "ru").concepts) == {"first"} == set(parts("the first quarterback", "en").concepts)
    assert not parts("Victorian succession at Westminster and Eastleigh", "en").concepts  # prefixes of other words
    assert set(parts("ціни знижено", "uk").concepts) == {"down"} and set(parts("он потерял работу", "ru").concepts) == {"lose"}
    # Not concepts: "before" ("перш ніж"), a name ("Вищий суд"), compounds and nouns that only share a prefix.
    for text in (
        "перш ніж піти",
        "засідання провів Вищий суд",
        "зарплати високопосадовців",
        "ворог зазнав втрат",
        "Громадська організація",
    ):
        assert not parts(text, "uk").concepts, text
    text = " ".join((DATA / f"{language}.json").read_text(encoding="utf-8").lower() for language in ("en", "uk", "ru"))
    for name in ("tokayev", "токаєв", "токаев", "macron", "макрон", "kazakh", "казах", "париж", "paris"):
        assert name not in text


def test_a_ukrainian_claim_gets_ukrainian_wording(assistant):
    """Cyrillic that reads as Russian or Ukrainian alike is taken in the article's language."""
    result = assistant.ask("Казахстан вступить до НАТО", mode="check")
    check = result.claims[0]
    assert check.language == "uk" and check.verdict != "supported"
    assert phrase("uk", check.verdict) in result.answer
    assert any(check.reason.startswith(t.split("{")[0]) for t in lexicon("uk").reasons.values())
    russian = assistant.ask("Казахстан вступит в НАТО в этом году.", mode="check").claims[0]
    assert russian.language == "ru" and any(russian.reason.startswith(t.split("{")[0]) for t in lexicon("ru").reasons.values())


def test_lemmas_and_the_language_of_a_claim():
    """No model: pymorphy3 lemmas meet inflections the six-letter stems miss, and Cyrillic that
    reads as Ukrainian and Russian alike takes the article's language."""
    assert lemma("балами", "uk") == lemma("балів", "uk") == "бал"
    assert lemma("Paris", "en") == "paris"
    assert uk_ru_evidence("Казахстан вступить до НАТО") == (0, 0)
    assert uk_ru_evidence("Яке населення Казахстану?")[0] > 0
    assert claim_language("Казахстан вступить до НАТО", "uk") == "uk"
    assert claim_language("Казахстан вступить до НАТО", "ru") == "ru"
    assert claim_language("Казахстан вступит в НАТО в этом году.", "uk") == "ru"
    assert claim_language("Kazakhstan joined NATO", "uk") == "en"


def test_verdict_rules_on_hand_made_comparisons():
    """No model: the decision over sentences already compared with a claim."""
    from assistant.claims import DEFAULT_THRESHOLDS, Assessment, Conflict, decide
    from index.store import SentenceRef

    def sentence(n: int, **kw) -> Assessment:
        return Assessment(n, SentenceRef(n, 0, 10, f"sentence {n}"), kw.pop("similarity", 0.85), kw.pop("coverage", 0.85), **kw)

    closest = sentence(1, similarity=0.86, missing=["Berlin"])
    farther = sentence(2, similarity=0.84, all_conflicts=[Conflict("name", "Macron", "Клімкін")], missing=["Berlin"])
    assert decide([closest, farther], DEFAULT_THRESHOLDS)[0] == "not_verified"  # a name swap needs the rest of the claim
    pinned = sentence(2, similarity=0.84, all_conflicts=[Conflict("date", "October", "вересні")])
    assert decide([closest, pinned], DEFAULT_THRESHOLDS)[:2] == ("contradicted", pinned)
    assert decide([sentence(1, missing=["NATO"], never=["NATO"])], DEFAULT_THRESHOLDS)[0] == "not_in_article"
    assert decide([sentence(1)], DEFAULT_THRESHOLDS)[0] == "supported"
    assert decide([sentence(1, same_script=True, uncovered=["балотуватися"])], DEFAULT_THRESHOLDS)[0] != "supported"
    # A closer sentence lacking only a concept word stands against a farther number conflict, not
    # against a farther opposite word, even one listed after a number.
    lacking = sentence(1, similarity=0.90, missing=["after"], vague=["after"])
    number = sentence(2, similarity=0.88, all_conflicts=[Conflict("number", "5", "6")])
    both = sentence(2, similarity=0.88, all_conflicts=[Conflict("number", "5", "6"), Conflict("antonym", "rose", "впали")])
    assert decide([lacking, number], DEFAULT_THRESHOLDS)[0] == "not_verified"
    assert decide([lacking, both], DEFAULT_THRESHOLDS)[0] == "contradicted"
    assert (
        decide([sentence(1, similarity=0.90, missing=["першим", "першим"], vague=["першим"]), number], DEFAULT_THRESHOLDS)[0]
        == "contradicted"
    )
