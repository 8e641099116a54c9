"""'Who is X?' and 'how many?' on an article written for this test (real model, real store):
the name is found across scripts, a figure the article does not give is refused."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
TEXT = """У Вінниці відкрили фестиваль вуличного театру

У суботу у Вінниці розпочався третій фестиваль вуличного театру «Сцена просто неба». Його організувала громадська організація «Мистецький простір».

Директорка фестивалю Оксана Гнатюк розповіла, що цього року до програми увійшли 14 театральних колективів з восьми областей.

Вистави відбуватимуться на майданчиках у центрі міста. Вхід на всі покази вільний.

За словами Гнатюк, головна мета фестивалю — повернути глядачів на вулиці після довгої перерви.
"""


@pytest.fixture(scope="module")
def festival(pool):
    return pool.add_upload(TEXT.encode(), "festival.txt")


@pytest.mark.parametrize("question", ["Who is Oksana Hnatiuk?", "Кто такая Оксана Гнатюк?", "Хто така Оксана Гнатюк?"])
def test_who_is_quotes_where_the_article_introduces_the_person(festival, question):
    result = festival.ask(question)
    assert not result.refused, result.answer
    assert any("Директорка фестивалю Оксана Гнатюк" in c.quote for c in result.citations)


def test_who_is_someone_the_article_never_names_is_refused(festival):
    assert festival.ask("Who is Petro Melnyk?").refused
    assert festival.ask("Хто такий Петро Мельник?").refused


def test_how_many_quotes_the_figure(festival):
    result = festival.ask("Скільки театральних колективів приїхало на фестиваль?")
    assert not result.refused, result.answer
    assert "14 театральних колективів" in result.citations[0].quote


@pytest.mark.parametrize("question", ["Скільки глядачів відвідало фестиваль?", "How many tickets were sold for the shows?"])
def test_how_many_without_a_figure_in_the_article_is_refused(festival, question):
    result = festival.ask(question)
    assert result.refused, result.answer


def test_a_two_part_question_quotes_both_answers(festival):
    result = festival.ask("Скільки театральних колективів приїхало на фестиваль і яка його головна мета?")
    quotes = " ".join(c.quote for c in result.citations)
    assert "14 театральних колективів" in quotes and "головна мета фестивалю" in quotes, result.answer


def test_a_two_part_question_says_when_one_part_is_not_answered(festival):
    result = festival.ask("Скільки театральних колективів приїхало на фестиваль і скільки коштував квиток на покази?")
    assert "14 театральних колективів" in result.citations[0].quote, result.answer
    assert result.answer.endswith("На другу частину питання стаття не відповідає."), result.answer
