"""Page timings in a real browser: load to usable chat, Enter to first characters, Enter to full answer.

Starts `article-chat serve` on a free loopback port, drives Debian's chromium with Playwright and
prints medians over repeated runs. The browser tests use the same helpers.

    python bench/page.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script (`make bench`), bench.latency must still import
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTIONS = [
    "Де Токаєв зустрівся з Макроном?",
    "Сколько денег предложил Дональд Лу?",
    "Where did Tokayev meet Macron?",
    "Що пообіцяв Китай Казахстану?",
]

# Times are taken inside the page: from the Enter keydown to the first answer text the chat shows,
# and to the finished answer (a citation link, or the emphasised note of a refusal or an error).
_TIMER = """
() => {
  const chat = document.querySelector('#chat');
  const before = chat.querySelectorAll('.message.bot').length;
  const t = window.__articleChatTimer = {};
  document.querySelector('#question textarea').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !t.pressed) t.pressed = performance.now();
  }, { once: true });
  const check = () => {
    const bots = chat.querySelectorAll('.message.bot');
    if (bots.length <= before) return;
    const last = bots[bots.length - 1];
    const text = last.textContent.trim();
    if (!t.first && text && text !== '…') t.first = performance.now();
    if (!t.full && last.querySelector('a[href^="#para-"], em, strong')) t.full = performance.now();
  };
  new MutationObserver(check).observe(chat, { childList: true, subtree: true, characterData: true });
}
"""


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


def open_page(browser, url: str, setup=None, **context) -> tuple[object, float]:
    """A fresh page; returns it and the seconds from navigation to a chat box that takes typing.

    `setup(page)` runs before navigation (to watch requests from the first one)."""
    page = browser.new_context(**context).new_page()
    if setup is not None:
        setup(page)
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#question textarea:not([disabled])", state="visible", timeout=30_000)
    page.wait_for_selector("#article-view p.para", timeout=30_000)
    return page, time.perf_counter() - start


def ask(page, question: str, timeout_ms: int = 30_000) -> dict[str, float]:
    """Type a question, press Enter, wait for the whole answer; milliseconds measured in the page."""
    page.evaluate(_TIMER)
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function("() => window.__articleChatTimer.full", timeout=timeout_ms)
    t = page.evaluate("() => window.__articleChatTimer")
    return {"first_ms": t["first"] - t["pressed"], "full_ms": t["full"] - t["pressed"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_up(proc, f"http://127.0.0.1:{port}/", 180)
    return proc


def wait_until_up(proc: subprocess.Popen, url: str, seconds: float) -> None:
    """Until `url` answers; a process that exits or stays silent is killed and reported."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def machine() -> str:
    from bench.latency import machine as facts

    m = facts()
    return f"{m['cpu']}, {m['cores']} cores, {m['default_engine']} by default, Python {m['python']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    started = time.perf_counter()
    server = start_server(port)
    server_start = time.perf_counter() - started
    url = f"http://127.0.0.1:{port}/?lang=en"
    loads, firsts, fulls = [], [], []
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for run in range(args.runs):
                page, load = open_page(browser, url)
                timing = ask(page, QUESTIONS[run % len(QUESTIONS)])
                loads.append(load * 1000)
                firsts.append(timing["first_ms"])
                fulls.append(timing["full_ms"])
                page.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "machine": machine(),
        "runs": args.runs,
        "server_start_to_first_response_s": round(server_start, 1),
        "load_to_usable_ms_median": round(statistics.median(loads), 1),
        "enter_to_first_chars_ms_median": round(statistics.median(firsts), 1),
        "enter_to_full_answer_ms_median": round(statistics.median(fulls), 1),
        "enter_to_full_answer_ms_max": round(max(fulls), 1),
        "load_to_usable_ms_max": round(max(loads), 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
