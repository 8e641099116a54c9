"""assistant/extractive.py on a small invented article with hand-made unit vectors, so each test
decides which sentence is closest to the question; no embedding model, no store.

tests/test_answer_parts.py already covers section_starts, holding_amount and answer_after_question
on their own; here they are reached through choose_evidence, with the ranking in front of them."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import extractive
from assistant.extractive import (
    AMOUNT_MARGIN,
    OVERLAP_WEIGHT,
    PARAGRAPH_WEIGHT,
    SECOND_SENTENCE_MARGIN,
    Evidence,
    about_name,
    choose_evidence,
    is_confident,
    pick,
    rank,
    render,
    similarity_confidence,
    unknown_acronyms,
)
from assistant.retrieval import Hit
from index.article import Article, ArticleMeta, Paragraph
from index.store import IndexedArticle, SentenceRef
from index.text import terms


def _unit(vector) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    return v / np.linalg.norm(v)


def _axis(i: int, dim: int) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(dim)]


def _indexed(paragraphs: list[list[str]], vectors: list, language: str = "en", sections: list[str | None] | None = None) -> IndexedArticle:
    """Body paragraphs made of these sentences (joined by a space), one vector per sentence in
    reading order; a paragraph's vector is the normalised mean of its sentences'."""
    sections = sections or [None] * len(paragraphs)
    made, refs = [], []
    for number, (sentences, section) in enumerate(zip(paragraphs, sections, strict=True), 1):
        text = ""
        for s in sentences:
            start = len(text) + (1 if text else 0)
            text = f"{text} {s}" if text else s
            refs.append(SentenceRef(number, start, start + len(s), s))
        made.append(Paragraph(number=number, text=text, section=section))
    assert len(vectors) == len(refs)
    sentence_vectors = np.stack([_unit(v) for v in vectors])
    paragraph_vectors = np.stack(
        [_unit(sentence_vectors[[i for i, r in enumerate(refs) if r.paragraph == p.number]].mean(axis=0)) for p in made]
    )
    article = Article(id="invented", content_hash="not-a-hash", meta=ArticleMeta(title=None, language=language), paragraphs=made)
    for r in refs:  # the refs are real slices of their paragraph
        assert article.paragraph(r.paragraph).text[r.start : r.end] == r.text
    return IndexedArticle(article, "invented-collection", refs, sentence_vectors, paragraph_vectors)


def _hits(*paragraphs: int, score: float = 0.8) -> list[Hit]:
    return [Hit(p, score, score, 0.0) for p in paragraphs]


def _texts(evidence: list[Evidence]) -> list[str]:
    return [e.sentence.text for e in evidence]


# --- rank and choose_evidence -------------------------------------------------------------------

MARSH = [
    ["Herons nest on the east bank.", "The ferry runs twice a day."],
    ["Otters returned to Lake Vesnianka in spring.", "Volunteers count them every May."],
    ["The tea room sells blackberry pie."],
]


def test_the_closest_sentence_wins_and_a_distant_one_in_its_paragraph_is_not_added():
    indexed = _indexed(MARSH, [_axis(i, 5) for i in range(5)])
    query = _unit([0.1, 0.0, 1.0, 0.2, 0.1])  # closest to the otters, then the count
    chosen = choose_evidence(indexed, "When did they come back?", query, _hits(1, 2, 3))
    assert _texts(chosen) == ["Otters returned to Lake Vesnianka in spring."]
    assert chosen[0].sentence.paragraph == 2


def test_the_score_adds_paragraph_and_word_overlap_to_the_sentence_similarity():
    indexed = _indexed([["Zebras graze near a river.", "A ranger lives alone."]], [[1, 0], [0, 1]])
    query = _unit([0.8, 0.6])
    hit = Hit(1, 0.7, 0.65, 0.4)
    # Query words over two letters: "zebras" (in the first sentence) and "night" (in neither).
    scored = rank(indexed, "zebras at night", query, [hit])
    assert _texts(scored) == ["Zebras graze near a river.", "A ranger lives alone."]
    # The two sentences are orthogonal, so neither has any hubness to subtract.
    assert scored[0].score == pytest.approx(0.8 + PARAGRAPH_WEIGHT * 0.7 + OVERLAP_WEIGHT * 0.5, abs=1e-6)
    assert scored[1].score == pytest.approx(0.6 + PARAGRAPH_WEIGHT * 0.7, abs=1e-6)
    assert scored[0].confidence == pytest.approx(0.8 + 0.1 * 0.4, abs=1e-6)
    assert scored[1].confidence == pytest.approx(0.65 + 0.1 * 0.4, abs=1e-6)  # the paragraph is closer


@pytest.mark.parametrize(("first", "second", "winner"), [(0.5, 0.6, 2), (0.6, 0.5, 1)])
def test_between_equally_close_sentences_the_better_paragraph_wins(first, second, winner):
    indexed = _indexed([["Gulls follow the boats."], ["Terns dive for sprats."]], [[1, 0], [0, 1]])
    query = _unit([1, 1])
    chosen = choose_evidence(indexed, "", query, [Hit(1, first, first, 0.0), Hit(2, second, second, 0.0)])
    assert [e.sentence.paragraph for e in chosen] == [winner]


def test_word_overlap_breaks_a_tie_of_similarity():
    indexed = _indexed([["Gulls follow the boats.", "Terns dive for sprats."]], [[1, 0], [0, 1]])
    query = _unit([1, 1])
    assert _texts(rank(indexed, "sprats", query, _hits(1)))[0] == "Terns dive for sprats."
    assert _texts(rank(indexed, "gulls", query, _hits(1)))[0] == "Gulls follow the boats."


def test_a_paragraph_that_was_not_retrieved_gives_no_candidate_however_close():
    indexed = _indexed(MARSH, [_axis(i, 5) for i in range(5)])
    query = _unit(_axis(4, 5))  # the tea room, paragraph 3
    scored = rank(indexed, "", query, _hits(1, 2))
    assert {e.sentence.paragraph for e in scored} == {1, 2}
    assert len(scored) == 4
    assert rank(indexed, "", query, []) == []


def test_beyond_the_best_paragraphs_only_a_paragraph_holding_a_top_sentence_is_searched():
    indexed = _indexed(MARSH, [_axis(i, 5) for i in range(5)])
    query = _unit([0.2, 0.0, 0.0, 0.0, 1.0])  # the tea room first, the herons next
    hits = _hits(1, 2, 3)
    scored = rank(indexed, "", query, hits, top_paragraphs=1, top_sentences=1)
    assert {e.sentence.paragraph for e in scored} == {1, 3}  # 3 for its sentence, not 2
    assert _texts(scored)[0] == "The tea room sells blackberry pie."
    # The top sentence sits in a paragraph that was not retrieved: nothing is added.
    assert {e.sentence.paragraph for e in rank(indexed, "", query, hits[:2], top_paragraphs=1, top_sentences=1)} == {1}


def _generic_and_specific() -> tuple[IndexedArticle, np.ndarray]:
    """Four specific sentences on their own axes and a generic one at their centre (cosine 0.5 to
    each): the question is closer to the generic sentence (0.906) than to the specific one that
    answers it (0.82); hubness is 0.5 for the generic sentence and 0.125 for the others."""
    pairs = [
        ("The festival draws visitors from far away.", [1, 1, 1, 1]),
        ("The bakery opens at six.", _axis(0, 4)),
        ("The choir sings on Sundays.", _axis(1, 4)),
        ("The bridge was painted green.", _axis(2, 4)),
        ("The harbour master, Ostap Lenyk, keeps the keys.", _axis(3, 4)),
    ]
    indexed = _indexed([[s for s, _ in pairs]], [v for _, v in pairs])
    x = float(np.sqrt((1 - 0.82**2) / 3))
    return indexed, _unit([x, x, x, 0.82])


def test_the_hubness_penalty_lets_a_specific_sentence_beat_a_generic_one():
    indexed, query = _generic_and_specific()
    sims = indexed.similarity.to_sentences(query)
    assert sims[0] > sims[4]  # by similarity alone the generic sentence is closer
    assert indexed.similarity.hubness == pytest.approx([0.5, 0.125, 0.125, 0.125, 0.125])
    chosen = choose_evidence(indexed, "", query, _hits(1))
    assert _texts(chosen) == ["The harbour master, Ostap Lenyk, keeps the keys."]


def test_without_the_hubness_penalty_the_generic_sentence_would_win(monkeypatch):
    """The counter-check of the test above: its vectors do need the penalty."""
    indexed, query = _generic_and_specific()
    monkeypatch.setattr(extractive, "HUB_PENALTY", 0.0)
    assert _texts(choose_evidence(indexed, "", query, _hits(1))) == ["The festival draws visitors from far away."]


# --- "how many" ---------------------------------------------------------------------------------

SOCIETY = [["Everyone in town loves the rowing society.", "The rowing society has 40 members."], ["It was founded by a miller."]]


def _society(second: float) -> tuple[IndexedArticle, np.ndarray]:
    """The first sentence is closest; the one with the figure `second` as close on its own axis."""
    return _indexed(SOCIETY, [_axis(0, 3), _axis(1, 3), _axis(2, 3)]), _unit([1.0, second, 0.0])


def test_how_many_quotes_the_near_candidate_that_states_the_amount():
    indexed, query = _society(0.97)  # 0.711 and 0.689: within the amount margin, not a near tie
    asked = "How many people belong to it?"
    assert _texts(choose_evidence(indexed, asked, query, _hits(1, 2), asked=asked)) == ["The rowing society has 40 members."]
    # Without the reader's question, or with another kind of question, the closest one is quoted.
    assert _texts(choose_evidence(indexed, asked, query, _hits(1, 2))) == ["Everyone in town loves the rowing society."]
    why = "Why do people belong to it?"
    assert _texts(choose_evidence(indexed, asked, query, _hits(1, 2), asked=why)) == ["Everyone in town loves the rowing society."]


def test_how_many_with_no_amount_near_the_best_quotes_nothing():
    indexed, query = _society(0.9)  # 0.743 and 0.669: the figure is too far behind
    sims = indexed.similarity.to_sentences(query)
    assert sims[0] - sims[1] > AMOUNT_MARGIN
    asked = "Скільки людей там веслує?"
    assert choose_evidence(indexed, asked, query, _hits(1, 2), asked=asked) == []


# --- a question the article asks itself -----------------------------------------------------------

OWLS = [["Owls hunt over the meadow.", "What do the owls eat at night?"], ["Mostly voles from the hayfields."]]


@pytest.mark.parametrize(("second_section", "quoted"), [("Birds", 2), ("Prices", 1)])
def test_the_answer_after_the_articles_own_question_is_quoted_unless_a_new_section_starts(second_section, quoted):
    indexed = _indexed(OWLS, [_axis(0, 3), _axis(1, 3), _axis(2, 3)], sections=["Birds", second_section])
    query = _unit(_axis(1, 3))
    chosen = choose_evidence(indexed, "", query, _hits(1, 2))
    assert _texts(chosen) == ["What do the owls eat at night?", "Mostly voles from the hayfields."][:quoted]
    if quoted == 2:  # the answer is quoted with the question's score: it passes or fails the refusal test with it
        assert chosen[1].confidence == chosen[0].confidence


def test_a_statement_chosen_is_not_followed_by_the_next_sentence():
    indexed = _indexed(OWLS, [_axis(0, 3), _axis(1, 3), _axis(2, 3)])
    assert _texts(choose_evidence(indexed, "", _unit(_axis(0, 3)), _hits(1, 2))) == ["Owls hunt over the meadow."]


# --- pick ---------------------------------------------------------------------------------------


def _ev(paragraph: int, start: int, score: float, text: str = "Something happened.") -> Evidence:
    return Evidence(SentenceRef(paragraph, start, start + len(text), text), score, score)


def test_pick_adds_a_near_tie_from_the_same_paragraph_only():
    best, near, third = _ev(2, 0, 1.0), _ev(2, 30, 1.0 - SECOND_SENTENCE_MARGIN / 2), _ev(2, 60, 1.0 - SECOND_SENTENCE_MARGIN / 2)
    assert pick([best, near, third]) == [best, near]  # at most two
    elsewhere = _ev(3, 0, 1.0 - SECOND_SENTENCE_MARGIN / 10)
    assert pick([best, elsewhere, near]) == [best]  # a near tie in another paragraph: none
    behind = _ev(2, 30, 1.0 - 2 * SECOND_SENTENCE_MARGIN)
    assert pick([best, behind]) == [best]  # the same paragraph, but not near
    assert pick([best]) == [best]
    assert pick([]) == []


# --- about_name ---------------------------------------------------------------------------------

HARBOUR = [
    ["The regatta committee met on Friday.", "Its head, Ostap Lenyk, opened the meeting."],
    ["Boats were inspected at dawn."],
    ["Lenyk said the course would be longer.", "Lenyk has rowed for forty years."],
]


def _harbour() -> IndexedArticle:
    return _indexed(HARBOUR, [_axis(i, 5) for i in range(5)])


def test_who_is_quotes_where_the_article_introduces_the_name_and_the_best_ranked_mention():
    indexed = _harbour()
    query = _unit([0.0, 0.0, 0.0, 1.0, 0.3])
    scored = rank(indexed, "", query, _hits(3))  # paragraph 1, which introduces him, was not retrieved
    chosen = about_name(indexed, scored, [1, 3, 4], query)
    assert _texts(chosen) == ["Its head, Ostap Lenyk, opened the meeting.", "Lenyk said the course would be longer."]
    introduced = chosen[0]
    assert introduced.score == introduced.confidence == pytest.approx(0.0)  # its own similarity, unranked


def test_who_is_quotes_once_when_the_introduction_is_also_the_best_mention():
    indexed = _harbour()
    query = _unit([0.0, 1.0, 0.0, 0.2, 0.0])
    scored = rank(indexed, "", query, _hits(1, 3))
    chosen = about_name(indexed, scored, [1, 3, 4], query)
    assert _texts(chosen) == ["Its head, Ostap Lenyk, opened the meeting."]
    assert chosen[0] in scored  # the ranked evidence, with its ranked score


def test_who_is_with_a_ranked_introduction_behind_a_better_mention_quotes_both():
    indexed = _harbour()
    query = _unit([0.0, 0.3, 0.0, 1.0, 0.0])
    scored = rank(indexed, "", query, _hits(1, 3))
    chosen = about_name(indexed, scored, [1, 3], query)
    assert _texts(chosen) == ["Its head, Ostap Lenyk, opened the meeting.", "Lenyk said the course would be longer."]
    assert all(e in scored for e in chosen)


def test_who_is_with_no_mention_ranked_quotes_the_introduction_alone():
    indexed = _harbour()
    query = _unit(_axis(2, 5))
    chosen = about_name(indexed, rank(indexed, "", query, _hits(2)), [1, 4], query)
    assert _texts(chosen) == ["Its head, Ostap Lenyk, opened the meeting."]


# --- confidence and refusal ------------------------------------------------------------------------


def test_similarity_confidence_is_the_closer_of_sentence_and_paragraph_plus_a_little_bm25():
    assert similarity_confidence(0.9, Hit(1, 0.0, 0.7, 0.5)) == pytest.approx(0.95)
    assert similarity_confidence(0.6, Hit(1, 0.0, 0.7, 0.5)) == pytest.approx(0.75)
    assert similarity_confidence(0.6, Hit(1, 0.0, 0.7, 0.0)) == pytest.approx(0.7)
    assert similarity_confidence(0.8, Hit(1, 5.0, 0.1, 0.0)) == pytest.approx(0.8)  # the fused score plays no part


def test_is_confident_reads_the_first_evidence_less_the_penalty():
    strong, weak = _ev(1, 0, 0.9), _ev(1, 20, 0.5)
    assert is_confident([strong, weak], 0.9)  # the threshold itself passes
    assert not is_confident([weak, strong], 0.6)
    assert not is_confident([strong], 0.9, penalty=0.03)
    assert is_confident([strong], 0.86, penalty=0.03)
    assert not is_confident([], 0.0)
    assert not is_confident([], -1.0)


def test_unknown_acronyms_are_all_caps_words_missing_from_the_article_in_every_script():
    vocabulary = set(terms("The NATO summit and the ЄС envoy met the mayor of Rivne."))
    assert unknown_acronyms("Did NATO discuss the GDP?", vocabulary) == ["GDP"]
    assert unknown_acronyms("Що сказало НАТО?", vocabulary) == []  # the same name in Cyrillic
    assert unknown_acronyms("Чего хотел посланник ЕС?", vocabulary) == []  # Russian ЕС folds as Ukrainian ЄС does
    assert unknown_acronyms("Was the ВВП growing and the IMF pleased?", vocabulary) == ["ВВП", "IMF"]
    assert unknown_acronyms("Is Rivne in the news? I think so. A mayor?", vocabulary) == []  # no acronyms at all
    assert unknown_acronyms("Did McKinsey or the Mayor speak?", vocabulary) == []  # mixed case is a name, not an acronym


# --- render -------------------------------------------------------------------------------------


def test_render_quotes_in_reading_order_whatever_the_order_given():
    late = Evidence(SentenceRef(3, 0, 14, "Third comes C."), 0.9, 0.9)
    early_b = Evidence(SentenceRef(1, 15, 29, "Then comes B."), 0.8, 0.8)
    early_a = Evidence(SentenceRef(1, 0, 14, "First comes A."), 0.7, 0.7)
    assert render("The article says:", [late, early_b, early_a]) == (
        "The article says: «First comes A.» [¶1] «Then comes B.» [¶1] «Third comes C.» [¶3]"
    )


def test_render_keeps_the_text_verbatim_and_only_line_breaks_become_spaces():
    text = "Квиток коштує 40\u00a0гривень,\n  а\u00a0абонемент —\r\n300\u00a0гривень."
    quote = render("У статті сказано:", [Evidence(SentenceRef(4, 0, len(text), text), 0.9, 0.9)])
    assert quote == "У статті сказано: «Квиток коштує 40\u00a0гривень, а\u00a0абонемент — 300\u00a0гривень.» [¶4]"
    assert "\n" not in quote and "\r" not in quote
