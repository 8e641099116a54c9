"""Claim checks on Ukrainian news articles other than the default one (../shared/data/news-uk/),
on the real model and store: the checker must not lean on what it knows of the default article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-uk"
HAND = ROOT / "bench" / "data" / "claims_news_uk.jsonl"
ROWS = {r["id"]: r for r in (json.loads(line) for line in HAND.read_text(encoding="utf-8").splitlines() if line.strip())}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not NEWS.is_dir(), reason="../shared/data/news-uk is absent")]


def _check(pool, row: dict):
    return pool.get(str(NEWS / row["article"])).ask(row["claim"], mode="check")


# Verdicts that differ by the engine's vectors, measured, with why. n02 ("543 points" where the
# article says 534): the sentence with 534 holds every other part of the claim at similarity 0.782
# on float32 vectors and 0.779 on the s8 int8 graph (VNNI CPUs), against contradict_similarity 0.78;
# on s8 the closest sentence, which lacks the figure, decides: the article never mentions 543.
# XQuAD does not place that bar: its fit objective moves by at most one claim in 0.74-0.80, so
# lowering it for n02 would be fitting on the hand-written claims.
ENGINE_VERDICTS = {("n02", "s8"): "not_in_article"}


def _int8_graph(assistant) -> str | None:
    """ "s8" or "u8" when the int8 ONNX graph makes the vectors (the model id names it), else None."""
    model_id = assistant.embedder.model_id
    return next((w for w in ("s8", "u8") if f":onnx-int8-{w}-" in model_id), None)


@pytest.mark.parametrize("claim_id", ["n01", "n02", "n07", "n08", "n10", "n12", "n20", "n36"])
def test_hand_written_claims_get_their_verdict(pool, claim_id):
    row = ROWS[claim_id]
    result = _check(pool, row)
    check = result.claims[0]
    expected = ENGINE_VERDICTS.get((claim_id, _int8_graph(pool.get(str(NEWS / row["article"])))), row["label"])
    assert check.verdict == expected, check.reason
    assert check.language == row["lang"]
    if check.verdict == "contradicted":
        assert check.instead is not None and check.instead.quote in check.instead.text


def test_no_claim_the_article_contradicts_or_lacks_is_supported(pool):
    """The bar editors rely on, over every hand-written claim labelled contradicted or not in the
    article: 76 over 16 articles. The checker of 2026-11-28 supported 8 of the first 46; of the 30
    written later (split "fresh"), the checker of 2026-11-29 supported 2 (a weekday, "after" for "before")."""
    wrong = [
        (row["id"], row["claim"])
        for row in ROWS.values()
        if row["label"] != "supported" and _check(pool, row).claims[0].verdict == "supported"
    ]
    assert not wrong
