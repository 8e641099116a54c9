"""Sentence choice by the learned ranker (`ARTICLE_CHAT_ANSWERER=learned`): `assistant.ranking`
orders the candidate sentences and estimates how likely the best one is to answer; the neighbouring
sentence joins it when it holds what the best one lacks."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.ranking import COVERED, AnswerModel, ArticleProfile, Question, Ranked, rank
from assistant.retrieval import Hit

# A second sentence joins the first when the model ranks it nearly as high and it stands next to
# the first in the same paragraph (answers often run over two sentences).
SECOND_SENTENCE_MARGIN = 0.5


@dataclass(frozen=True)
class Choice:
    rows: list[int]  # sentences to quote, in reading order
    probability: float  # that the best one answers the question


def choose_evidence(profile: ArticleProfile, question: Question, hits: list[Hit], model: AnswerModel) -> Choice:
    """The best sentence, and its neighbour when the neighbour holds what the best one lacks."""
    ranked = rank(profile, question, hits, model)
    if not ranked.rows:
        return Choice([], 0.0)
    rows = [ranked.rows[0], *_companions(profile, question, ranked)]
    sentences = profile.indexed.sentences
    return Choice(sorted(rows, key=lambda r: (sentences[r].paragraph, sentences[r].start)), ranked.probability)


def _companions(profile: ArticleProfile, question: Question, ranked: Ranked) -> list[int]:
    """A neighbour of the best sentence that covers a content word of the question the best one
    misses, or holds the kind of answer asked for when the best one does not, or that the model
    ranks next and nearly as high ("when and where", "who promised": two sentences)."""
    from assistant.ranking import Alignment

    best = ranked.rows[0]
    neighbours = profile.neighbours(best)
    if not neighbours:
        return []
    if len(ranked.rows) > 1 and ranked.rows[1] in neighbours and ranked.logits[0] - ranked.logits[1] < SECOND_SENTENCE_MARGIN:
        return [ranked.rows[1]]
    align = Alignment(profile, question, [best, *neighbours])
    missing = align.best[:, best] < COVERED
    for n in neighbours:
        if missing.any() and (align.best[missing, n] >= COVERED).any():
            return [n]
        if question.wants and question.wants not in profile.kinds[best] and question.wants in profile.kinds[n]:
            return [n]
    return []
