"""Accessibility audit of the real page with axe-core (axe-playwright-python) in Debian's chromium.

Every interface language, every mode, with an answer on screen: no "serious" or "critical"
violation. Readers who use a screen reader, a keyboard or low vision use the same page."""

from __future__ import annotations

import pytest

from bench.page import ask
from tests import test_web_browser as pages
from web.strings import STRINGS

browser, visit = pages.browser, pages.visit  # the same real browser and page fixtures

pytestmark = pytest.mark.slow
BLOCKING = ("serious", "critical")
ASKED = {
    "answer": "Де Токаєв зустрівся з Макроном?",
    "summary": "Коротко перекажи статтю в 3 пунктах",
    "check": "Токаєв зустрівся з Макроном у Берліні.\nКазахстан підписав газову угоду з Німеччиною.",
}


def _blocking(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['nodes'][0]['any'][:1]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_no_serious_or_critical_violations_in_any_mode(visit, language):
    page, _ = visit(f"?lang={language}", viewport={"width": 1400, "height": 900})
    page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=language)
    # The page opens in English and relabels itself; Gradio dims a block while it is being updated.
    page.wait_for_selector(f"#send >> text={STRINGS[language]['send']}")
    page.wait_for_timeout(600)
    found = {"empty page": _blocking(page)}
    for index, (mode, question) in enumerate(ASKED.items()):
        page.locator("#mode input").nth(index).check()
        ask(page, question)
        if mode == "check":
            page.wait_for_selector("#claims-table table.claims tbody tr")
        page.wait_for_timeout(300)  # Gradio's fade-in of the new message
        found[mode] = _blocking(page)
    assert found == {"empty page": [], "answer": [], "summary": [], "check": []}
