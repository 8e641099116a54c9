"""Articles people bring to the page: indexed once, named by content, refused with a reason."""

from __future__ import annotations

import pytest

from index.article import ArticleError

pytestmark = pytest.mark.slow
TEXT = (
    "Kyiv opens a night library\n\n"
    "The city library on Khreshchatyk will stay open until 2 a.m. from December.\n\n"
    "The mayor said 40 volunteers signed up to run the night shifts.\n"
)


def test_upload_is_indexed_with_progress_and_answers(pool):
    steps: list[tuple[float, str]] = []
    assistant = pool.add_upload(TEXT.encode(), "Night Library.txt", lambda f, d: steps.append((f, d)))
    assert assistant.article.id.startswith("night-library-")
    assert steps[-1] == (1.0, "ready")
    assert [f for f, _ in steps] == sorted(f for f, _ in steps)
    result = assistant.ask("How many volunteers signed up?")
    assert not result.refused
    assert result.citations[0].paragraph == 3
    assert pool.get(assistant.article.id) is assistant


def test_same_content_gets_the_same_id_and_no_second_index(pool):
    first = pool.add_upload(TEXT.encode(), "night.txt")
    steps: list[float] = []
    again = pool.add_upload(TEXT.encode(), "night.txt", lambda f, d: steps.append(f))
    assert again.article.id == first.article.id
    assert steps == [0.05, 1.0]  # read, then ready: nothing was embedded again


def test_saved_upload_is_found_after_the_pool_forgets_it(settings, pool):
    from assistant.pool import AssistantPool

    article_id = pool.add_upload(TEXT.encode(), "remember.md").article.id
    fresh = AssistantPool(settings)
    assert fresh.get(article_id).article.paragraphs[2].text.startswith("The mayor said 40 volunteers")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02\xff" * 100, "blob.txt", "binary"),
        (TEXT.encode(), "slides.pdf", "not an article file"),
        (TEXT.encode(), "noextension", "not an article file"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(pool, data, name, message):
    with pytest.raises(ArticleError, match=message):
        pool.add_upload(data, name)


def test_oversized_upload_is_refused_before_parsing(settings, pool):
    limit = settings.max_article_bytes
    with pytest.raises(ArticleError, match="limit"):
        pool.add_upload(b"a" * (limit + 1), "huge.txt")
