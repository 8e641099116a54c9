"""assistant/followup.py: which questions lean on the turn before, and what is searched then."""

from __future__ import annotations

import pytest

from assistant.followup import last_user_question, needs_context, retrieval_query
from assistant.models import Message

SELF_CONTAINED = [
    "How much did the new bridge over the Sula river cost?",
    "Скільки коштував новий міст через річку Сулу?",
    "Сколько стоил новый мост через реку Сулу?",
]
FOLLOW_UPS = [
    "What did they discuss at the meeting?",  # a pronoun
    "Що вони обговорювали на зустрічі?",
    "Что они обсуждали на встрече?",
    "How much did it cost to build?",
    "Скільки коштував його ремонт минулого року?",
    "Сколько стоил его ремонт в прошлом году?",
    "What happened there after the flood?",  # "there"
    "Що сталося потім з бібліотекою?",  # "потім"
    "Что было тогда с библиотекой?",  # "тогда"
    "And the price?",  # too short to stand alone
    "А ціна?",
    "А цена?",
]


@pytest.mark.parametrize("question", FOLLOW_UPS)
def test_pronouns_and_short_questions_need_context(question):
    assert needs_context(question)


@pytest.mark.parametrize("question", SELF_CONTAINED)
def test_a_self_contained_question_needs_no_context(question):
    assert not needs_context(question)


def test_pronouns_are_found_in_any_case_and_with_punctuation():
    assert needs_context("THEY said what about the bridge over the Sula?")
    assert needs_context("Він відкрив міст через річку Сулу, чи не так?")
    assert needs_context("«Она» открыла мост через реку Сулу в марте?")


def _history(*turns: tuple[str, str]) -> list[Message]:
    return [Message(role=role, content=content) for role, content in turns]


def test_last_user_question_skips_answers_and_blank_turns():
    history = _history(
        ("user", "Хто відкрив міст?"),
        ("assistant", "Мер Оксана Левадна [¶2]."),
        ("user", "  Коли відкрили бібліотеку?  "),
        ("assistant", "Навесні [¶1]."),
        ("user", "   "),
    )
    assert last_user_question(history) == "Коли відкрили бібліотеку?"


def test_no_user_question_in_history():
    assert last_user_question([]) is None
    assert last_user_question(_history(("assistant", "Вітаю! Запитуйте про статтю."))) is None


@pytest.mark.parametrize("question", SELF_CONTAINED + FOLLOW_UPS)
def test_without_history_the_question_is_searched_alone(question):
    assert retrieval_query(question, []) == question
    assert retrieval_query(question, _history(("assistant", "Вітаю!"))) == question


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("Who opened the new bridge over the Sula?", "What did she say?"),
        ("Хто відкрив новий міст через Сулу?", "Що вона сказала?"),
        ("Кто открыл новый мост через Сулу?", "Что она сказала?"),
        ("Коли відкрили бібліотеку в Ліщинську?", "А ціна?"),
    ],
)
def test_a_follow_up_is_searched_after_the_question_it_follows(previous, question):
    history = _history(("user", previous), ("assistant", "Відповідь [¶2]."))
    query = retrieval_query(question, history)
    assert query.startswith(previous) and query.endswith(question)
    assert query.index(previous) + len(previous) <= query.index(question)


@pytest.mark.parametrize("question", SELF_CONTAINED)
def test_a_self_contained_question_ignores_the_history(question):
    history = _history(("user", "Хто така Оксана Левадна?"), ("assistant", "Мер Ліщинська [¶2]."))
    assert retrieval_query(question, history) == question
