"""index/text.py on small hand-made inputs, no model: search normalisation, script-blind terms,
sentence spans with exact offsets, lemmas and the uk/ru/en guess.

The folding and stemming are asserted as properties (spellings that must meet, words that must not),
not as exact keys, so a different transliteration or stemmer keeps the tests meaningful."""

from __future__ import annotations

from itertools import pairwise

import pytest

from index.text import detect_language, fold, lemma, normalize, sentence_spans, terms, uk_ru_evidence, words

# --- normalize and words ----------------------------------------------------------------------


def test_normalize_lowers_and_unifies_spaces():
    assert normalize("  Мер\u00a0 ОКСАНА\u202fЛевадна\n\tприїхала  ") == "мер оксана левадна приїхала"
    assert normalize("ＭＥＲ") == "mer"  # NFKC: full-width letters are plain letters


def test_normalize_unifies_apostrophes_and_yo():
    assert normalize("п’ять") == normalize("пʼять") == normalize("п‘ять") == normalize("п'ять")
    assert normalize("Ёжик") == normalize("ежик")


def test_normalize_is_idempotent():
    for text in ("Мер  Ліщинська’s\u00a0ПЛАН", "Сёла и  МОСТЫ", "The  Mayor’s\tplan"):
        assert normalize(normalize(text)) == normalize(text)


def test_words_split_on_punctuation_and_keep_inner_apostrophes():
    assert words("Мар’яна, п'ять мостів — і 42 гривні!") == ["мар'яна", "п'ять", "мостів", "і", "42", "гривні"]
    assert words("The mayor's plan: co-operation_now") == ["the", "mayor's", "plan", "co", "operation", "now"]
    assert words("  ... !!! ") == []


# --- fold and terms across scripts ---------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Oksana", "Оксана"),
        ("Levadna", "Левадна"),
        ("Kovalenko", "Коваленко"),
        ("Eleonora", "Елеонора", "Элеонора"),  # Ukrainian е, Russian э
        ("Mariana", "Мар'яна", "Марьяна"),  # apostrophe and soft sign
    ],
)
def test_spellings_of_one_name_share_a_term(spellings):
    keys = [terms(s) for s in spellings]
    assert all(len(k) == 1 for k in keys), keys
    assert len({k[0] for k in keys}) == 1, keys


@pytest.mark.parametrize("word", ["Оксана", "Левадна", "Ліщинськ", "Элеонора", "щастя", "Oksana"])
def test_fold_is_a_latin_key(word):
    key = fold(normalize(word))
    assert key and key.isascii() and key == key.lower()


def test_fold_makes_ukrainian_and_russian_spellings_meet():
    assert fold(normalize("Ліщинськ")) == fold(normalize("Лищинск"))  # і / и, soft sign
    assert fold(normalize("Оксана")) == fold("oksana")


@pytest.mark.parametrize(
    ("latin", "cyrillic"), [("Shevchuk", "Шевчук"), ("Zhurba", "Журба"), ("Chaika", "Чайка"), ("Kharkiv", "Харків"), ("Shchors", "Щорс")]
)
def test_latin_digraphs_meet_cyrillic_letters(latin, cyrillic):
    assert terms(latin) == terms(cyrillic)


def test_inflected_forms_share_a_term():
    assert len(set(terms("бібліотека бібліотеки бібліотекою бібліотеці"))) == 1
    assert len(set(terms("библиотека библиотеки библиотекой"))) == 1
    assert set(terms("Левадна")) == set(terms("Левадної"))  # a surname in the genitive


def test_terms_keep_different_words_apart():
    assert not set(terms("бібліотека")) & set(terms("річка"))
    assert not set(terms("міст")) & set(terms("сова"))
    assert terms("Oksana Levadna") != terms("Oksana Kovalenko")


def test_terms_are_the_same_for_a_sentence_in_two_scripts():
    assert set(terms("Мер Оксана Левадна")) >= set(terms("Oksana Levadna"))


def test_terms_skip_one_letter_words():
    assert terms("і в у а a I") == []
    assert terms("Мер і міст") == terms("Мер міст")


# --- sentence spans -------------------------------------------------------------------------------


def _texts(text: str) -> list[str]:
    return [s.text for s in sentence_spans(text)]


def _check_offsets(text: str) -> None:
    spans = sentence_spans(text)
    for s in spans:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip(" \t\n\u00a0")
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(a.end <= b.start for a, b in pairwise(spans))


def test_sentences_split_on_final_punctuation():
    text = "Міст відкрили навесні. Чи надовго? Так! Ну… Побачимо."
    assert _texts(text) == ["Міст відкрили навесні.", "Чи надовго?", "Так!", "Ну…", "Побачимо."]
    _check_offsets(text)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Проф. Б. Р. Ляшенко прибув у м. Ліщинськ. Він оглянув міст.", ["Проф. Б. Р. Ляшенко прибув у м. Ліщинськ.", "Він оглянув міст."]),
        ("Mr. Dale met Dr. Roe on Jan. 5. They spoke.", ["Mr. Dale met Dr. Roe on Jan. 5.", "They spoke."]),
        ("О. Левадна відкрила міст. Він стоїть.", ["О. Левадна відкрила міст.", "Він стоїть."]),
        ("Доповідь проф. Іваненка тривала годину. Потім були питання.", ["Доповідь проф. Іваненка тривала годину.", "Потім були питання."]),
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text, sentences):
    assert _texts(text) == sentences
    _check_offsets(text)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Ціна зросла на 3.5 відсотка. Потім впала.", ["Ціна зросла на 3.5 відсотка.", "Потім впала."]),
        ("The toll was 2.75 dollars. It fell to 1.5.", ["The toll was 2.75 dollars.", "It fell to 1.5."]),
        ("Курс 41,25 гривні за долар. Він стабільний.", ["Курс 41,25 гривні за долар.", "Він стабільний."]),
    ],
)
def test_decimals_do_not_end_a_sentence(text, sentences):
    assert _texts(text) == sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Мер сказала: «Ми готові.» Потім пішла.", ["Мер сказала: «Ми готові.»", "Потім пішла."]),
        ('He said "We are ready." Then he left.', ['He said "We are ready."', "Then he left."]),
        ("Міст відкрили. «Це свято», – сказала мер.", ["Міст відкрили.", "«Це свято», – сказала мер."]),
        ("Міст відкрили. – Нарешті, – сказала мер.", ["Міст відкрили.", "– Нарешті, – сказала мер."]),
    ],
)
def test_quotes_and_dashes(text, sentences):
    assert _texts(text) == sentences
    _check_offsets(text)


def test_a_line_break_ends_a_sentence_and_offsets_stay_exact():
    text = "  Перший рядок без крапки\nДругий рядок.\n\n\u00a0Третій,\u00a0з нерозривним пробілом.  "
    assert _texts(text) == ["Перший рядок без крапки", "Другий рядок.", "Третій,\u00a0з нерозривним пробілом."]
    _check_offsets(text)


def test_a_lower_case_word_after_a_period_continues_the_sentence():
    text = "Збори почались о 9 год. ранку. Потім була перерва."
    assert _texts(text) == ["Збори почались о 9 год. ранку.", "Потім була перерва."]


def test_no_sentences_in_blank_or_punctuation_only_text():
    assert sentence_spans("") == []
    assert sentence_spans("  \n\u00a0 ") == []
    assert sentence_spans("… — !") == []


# --- lemma ----------------------------------------------------------------------------------------


def test_lemma_meets_inflections():
    assert lemma("книгами", "uk") == lemma("книги", "uk") == lemma("Книзі", "uk") == "книга"
    assert lemma("книгами", "ru") == lemma("книгой", "ru") == "книга"
    assert lemma("мостами", "ru") == lemma("мосту", "ru") == "мост"


def test_lemma_of_other_words_is_the_lower_cased_word():
    assert lemma("Bridges", "en") == "bridges"
    assert lemma("Книгами", "en") == "книгами"  # no dictionary for English
    assert lemma("Sula", "uk") == "sula"  # Latin letters in a Ukrainian text


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Скільки коштував новий міст?", "uk"),  # і
        ("Яка довжина мосту?", "uk"),  # no і/ї/є/ґ, but words only Ukrainian has
        ("Мост объединил берега.", "ru"),  # ы, ъ
        ("Какая длина моста?", "ru"),  # no Russian-only letter, but Russian words
        ("How long is the new bridge?", "en"),
        ("Хто такий Kovalenko?", "uk"),  # a Latin name inside a Ukrainian question
        ("Кто такой Kovalenko?", "ru"),  # ... inside a Russian one
        ("When did Коваленко open the bridge?", "en"),  # a Cyrillic name inside an English question
        ("ok", "en"),
        ("Ці?", "uk"),
        ("Это?", "ru"),
        ("12345 !!!", "other"),
        ("", "other"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["What did Оксана Левадна say?", "Who is Коваленко?", "Why did Петро Порошенко and Юлія Тимошенко meet?"])
def test_an_english_question_with_a_long_cyrillic_name_is_english(text):
    assert detect_language(text) == "en"


def test_ambiguous_short_cyrillic_is_ukrainian_or_russian():
    for text in ("Так", "Мер", "Банк купив"):
        assert detect_language(text) in ("uk", "ru")
        uk, ru = uk_ru_evidence(text)
        assert uk == ru


def test_uk_ru_evidence_weighs_letters_and_words():
    uk, ru = uk_ru_evidence("Нова бібліотека відкрилася в Ліщинську.")
    assert uk > ru
    uk, ru = uk_ru_evidence("Новый мост объединил берега.")
    assert ru > uk
    uk, ru = uk_ru_evidence("Яка довжина мосту?")  # words alone, no letter cue
    assert uk > ru
    assert uk_ru_evidence("How long is the bridge?") == (0, 0)
