"""Claim checks on an article written for this test (real model, real store): a changed year,
count or weekday, a swapped name, a translated name and "after" for "before", each checked against
the sentence that says it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
TEXT = """У Рівному відкрили пішохідний міст

Новий пішохідний міст через річку Устя відкрили в Рівному в п'ятницю. Будівництво почалося у 2019 році й тривало три роки.

Міст завдовжки 240 метрів спроєктувала місцева компанія «Мостобуд». Головною інженеркою проєкту була Наталія Кравець.

На відкритті виступив міський голова Андрій Литвин. Він сказав, що міст уперше з'єднав два береги парку.

Того ж дня міськрада повідомила, що зарплати високопосадовців Рівного у 2024 році скоротилися.

Перед відкриттям мосту міськрада провела громадські слухання.
"""


@pytest.fixture(scope="module")
def bridge(pool):
    return pool.add_upload(TEXT.encode(), "bridge.txt")


def _verdict(article, claim: str):
    return article.ask(claim, mode="check").claims[0]


@pytest.mark.parametrize(
    "claim",
    [
        "Construction of the bridge began in 2019 and took three years.",
        "Nataliia Kravets was the chief engineer of the project.",
        "The bridge is 240 metres long.",
        "Будівництво почалося у 2019 році.",
        "Andriy Lytvyn said the bridge connected the two banks of the park for the first time.",
    ],
)
def test_what_the_article_says_is_supported(bridge, claim):
    check = _verdict(bridge, claim)
    assert check.verdict == "supported", check.reason


@pytest.mark.parametrize(
    ("claim", "article_says"),
    [
        ("Construction of the bridge began in 2015 and took three years.", "2019"),
        ("Будівництво почалося у 2016 році.", "2019"),
        ("The bridge is 310 metres long.", "240"),
        ("Construction of the bridge took five years.", "три"),
    ],
)
def test_a_changed_year_count_or_name_is_contradicted(bridge, claim, article_says):
    check = _verdict(bridge, claim)
    assert check.verdict == "contradicted", check.reason
    assert article_says in check.instead.quote


@pytest.mark.parametrize(
    "claim",
    ["Olena Shevchuk was the chief engineer of the project.", "Andriy Lytvyn was the chief engineer of the project."],
)
def test_a_name_put_in_another_place_is_never_supported(bridge, claim):
    """One name the article never gives, one it gives in another role: neither is supported."""
    check = _verdict(bridge, claim)
    assert check.verdict != "supported", check.reason


def test_a_word_that_only_starts_like_an_opposite_confirms_nothing(bridge):
    """ "високопосадовців" (senior officials) starts like "високий" (high): it must not stand for "rose"."""
    check = _verdict(bridge, "Salaries of senior officials in Rivne rose in 2024.")
    assert check.verdict != "supported", check.reason


def test_a_weekday_is_a_date(bridge):
    """Days of the week align with one another as closely as synonyms: another day is another date."""
    assert _verdict(bridge, "The new footbridge over the Ustia was opened in Rivne on Friday.").verdict == "supported"
    check = _verdict(bridge, "Новий пішохідний міст через Устя відкрили в Рівному в понеділок.")
    assert check.verdict == "contradicted", check.reason
    assert "п'ятницю" in check.instead.quote


def test_after_must_be_said(bridge):
    """ "After" where the article says "before" is not confirmed by the words around it."""
    check = _verdict(bridge, "After the opening of the bridge, the city council held hearings.")
    assert check.verdict != "supported", check.reason
    assert _verdict(bridge, "Before the opening of the bridge, the city council held hearings.").verdict == "supported"


MEETINGS = """Зустрічі прем'єра

Цього тижня прем'єр-міністр Ірландії Мігель Мартін провів кілька зустрічей зі світовими лідерами.

У Варшаві Мартін зустрівся з прем'єром Польщі Дональдом Туском, щоб обговорити торгівлю.
"""


@pytest.fixture(scope="module")
def meetings(pool):
    return pool.add_upload(MEETINGS.encode(), "meetings.txt")


def test_a_persons_own_first_name_is_not_a_rival(meetings):
    """'Мігель Мартін' is one man: the claim's other name aligning to 'Мігель' is no swap of names."""
    berlin = _verdict(meetings, "Martin met Tusk in Berlin.")
    assert berlin.verdict != "supported"
    assert not (berlin.verdict == "contradicted" and "Мігель" in berlin.reason), berlin.reason
    assert _verdict(meetings, "Martin met Tusk in Warsaw.").verdict == "supported"
