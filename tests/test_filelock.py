"""index.store.build_lock (filelock): one process, or one thread, at a time builds a collection."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from pathlib import Path

from index.store import build_lock


def _hold(lock_dir: str, held: str, seconds: float) -> None:
    with build_lock(Path(lock_dir), "article-x"):
        Path(held).write_text(str(time.time()))
        time.sleep(seconds)
        Path(held).write_text(f"{Path(held).read_text()} {time.time()}")


def _holder(tmp_path, seconds: float):
    """A child process that has taken the lock (its "held" file is written) and keeps it `seconds`."""
    held = tmp_path / "held"
    child = multiprocessing.get_context("fork").Process(target=_hold, args=(str(tmp_path / "locks"), str(held), seconds))
    child.start()
    deadline = time.time() + 30
    while not held.exists() and time.time() < deadline:
        time.sleep(0.01)
    return child, held


def test_a_second_process_waits_until_the_first_has_built(tmp_path):
    child, held = _holder(tmp_path, 0.5)
    with build_lock(tmp_path / "locks", "article-x"):
        entered = time.time()
    child.join(30)
    start, end = map(float, held.read_text().split())
    assert child.exitcode == 0
    assert entered >= end > start


def test_a_killed_builder_does_not_leave_the_lock_held(tmp_path):
    child, _ = _holder(tmp_path, 60)
    child.kill()
    child.join(30)
    start = time.perf_counter()
    with build_lock(tmp_path / "locks", "article-x"):
        pass
    assert time.perf_counter() - start < 5


def test_threads_take_turns_and_other_names_do_not_wait(tmp_path):
    spans: list[tuple[float, float]] = []

    def build() -> None:
        for _ in range(3):
            with build_lock(tmp_path, "article-x"):
                begin = time.perf_counter()
                time.sleep(0.02)
                spans.append((begin, time.perf_counter()))

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans.sort()
    assert len(spans) == 12
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))
    with build_lock(tmp_path, "article-x"), build_lock(tmp_path, "article-y"):
        pass  # a different collection is a different lock


def test_no_lock_dir_means_no_lock():
    with build_lock(None, "article-x"), build_lock(None, "article-x"):
        pass
