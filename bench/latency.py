"""Latency and memory of the extractive answerer on the default article.

1. warm per-question latency in-process (wall time around `Assistant.ask`), over the dev questions;
2. cold start of `python -m assistant.cli ask ... --json` as a fresh process on an indexed store;
3. peak memory (max RSS) of the warm in-process run and of a CLI child.

The issue's bar: warm p50 under 100 ms on 2 cores.
Reads ../shared/data/article/dev_questions.jsonl (never copied into the repository); skips cleanly without it.
Run: .venv/bin/python bench/latency.py [--repeats 10] [--cold-runs 5] [--json]"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.devset import DEV_QUESTIONS, load_dev
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COLD_QUESTION = "З ким Токаєв зустрівся в Парижі?"
WARMUP = 3
TIME_BIN = Path("/usr/bin/time")
# Fallback when /usr/bin/time is absent: run the CLI in-process via runpy, report its own peak RSS (KiB on Linux).
_WRAPPER = (
    "import resource, runpy, sys\n"
    "sys.argv = ['article-chat', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('assistant.cli', run_name='__main__')\n"
    "finally:\n"
    "    sys.stderr.write(f'MAXRSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from index.engines import int8_weights

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Which int8 graph the default engine runs here: figures from CPUs that differ in it do not compare.
    kernels = {"s8": "int8 s8 (VNNI)", "u8": "int8 u8 (AVX2, no VNNI)", None: "float32 (no AVX2, or not x86)"}[int8_weights()]
    return {"cpu": cpu, "cores": affinity, "python": platform.python_version(), "platform": platform.platform(), "default_engine": kernels}


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _requests(items: list[dict]) -> list[list[str]]:
    """Each request is a conversation: one question, or a follow-up's turns asked with growing history."""
    out = [[i["q"]] for i in items if i["kind"] in ("fact", "unanswerable", "adversarial") and i.get("q")]
    out += [list(i["turns"]) for i in items if i["kind"] == "followup" and i.get("turns")]
    return out


def warm(repeats: int) -> dict:
    from assistant.pool import open_assistant

    requests = _requests(load_dev())
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        # Cache off: the questions repeat, and each repeat must cost what a new question does.
        assistant = open_assistant(Settings(store_dir=Path(tmp), query_cache=0))
        build_s = time.perf_counter() - t
        engine = assistant.embedder._engine
        # torch only where the engine loaded it: importing it here would add its ~140 MB to the peak RSS below
        torch = sys.modules.get("torch")
        threads = torch.get_num_threads() if torch else None
        flat = [q for conv in requests for q in conv]
        for q in flat[:WARMUP]:
            assistant.ask(q, history=[])
        wall, retrieve, answer, refused = [], [], [], 0
        for _ in range(repeats):
            for conv in requests:
                history: list[dict] = []
                for q in conv:
                    t = time.perf_counter()
                    r = assistant.ask(q, history=history)
                    wall.append((time.perf_counter() - t) * 1000)
                    retrieve.append(r.timings_ms.retrieve)
                    answer.append(r.timings_ms.answer)
                    refused += r.refused
                    history += [{"role": "user", "content": q}, {"role": "assistant", "content": r.answer}]
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "torch_threads": threads,
        "engine": f"{type(engine).__name__} {engine.vectors_id or 'float32'}",
        "build_s": build_s,
        "questions": len(flat),
        "repeats": repeats,
        "n": len(wall),
        "refused_share": refused / len(wall) if wall else float("nan"),
        "p50_ms": percentile(wall, 50),
        "p90_ms": percentile(wall, 90),
        "p99_ms": percentile(wall, 99),
        "mean_ms": statistics.fmean(wall) if wall else float("nan"),
        "max_ms": max(wall, default=float("nan")),
        "median_retrieve_ms": statistics.median(retrieve) if retrieve else float("nan"),
        "median_answer_ms": statistics.median(answer) if answer else float("nan"),
        "peak_rss_mb": maxrss_mb,
    }


def _cold_once(env: dict) -> dict:
    cli = ["ask", COLD_QUESTION, "--json"]
    if TIME_BIN.exists():
        cmd = [str(TIME_BIN), "-v", sys.executable, "-m", "assistant.cli", *cli]
    else:
        cmd = [sys.executable, "-c", _WRAPPER, *cli]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t
    m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", proc.stderr) or re.search(r"MAXRSS_KB (\d+)", proc.stderr)
    ok = proc.returncode == 0
    refused = None
    if ok:
        try:
            refused = json.loads(proc.stdout.strip().splitlines()[-1])["refused"]
        except (ValueError, IndexError, KeyError):
            ok = False
    out = {"wall_s": wall, "rss_mb": int(m.group(1)) / 1024 if m else None, "ok": ok, "refused": refused}
    if not ok:
        out["error"] = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1][:300]
    return out


def cold(runs: int) -> dict:
    store = tempfile.mkdtemp(prefix="article-chat-cold-")
    try:
        env = {**os.environ, "ARTICLE_CHAT_STORE_DIR": store, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        first = _cold_once(env)
        rest = [_cold_once(env) for _ in range(runs)]
    finally:
        shutil.rmtree(store, ignore_errors=True)
    good = [r for r in rest if r["ok"]]
    rss = [r["rss_mb"] for r in rest if r["rss_mb"] is not None]
    return {
        "rss_method": "/usr/bin/time -v" if TIME_BIN.exists() else "runpy wrapper ru_maxrss",
        "first_run_s": first["wall_s"],
        "first_run_ok": first["ok"],
        "first_run_rss_mb": first["rss_mb"],
        "runs": runs,
        "ok_runs": len(good),
        "median_s": statistics.median(r["wall_s"] for r in good) if good else float("nan"),
        "min_s": min((r["wall_s"] for r in good), default=float("nan")),
        "max_s": max((r["wall_s"] for r in good), default=float("nan")),
        "peak_rss_mb": max(rss, default=None),
        "errors": sorted({r["error"] for r in [first, *rest] if "error" in r}),
    }


def _mb(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10, help="passes over the dev questions (default 10)")
    ap.add_argument("--cold-runs", type=int, default=5, help="CLI cold starts after the indexing run (default 5; 0 skips)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args()
    if not DEV_QUESTIONS.exists():
        print(json.dumps({"skipped": f"{DEV_QUESTIONS} not found"}) if args.json else f"skipped: {DEV_QUESTIONS} not found")
        return 0
    mach = machine()
    mach["torch_threads_setting"] = Settings().torch_threads
    w = warm(args.repeats)
    mach["torch_threads"] = w.pop("torch_threads")
    mach["engine"] = w.pop("engine")
    c = cold(args.cold_runs) if args.cold_runs > 0 else None
    bar = {"p50_under_100ms": w["p50_ms"] < 100}
    if args.json:
        print(json.dumps({"machine": mach, "warm": w, "cold": c, "bar": bar}, ensure_ascii=False))
        return 0

    print(
        f"machine: {mach['cpu']}, {mach['cores']} cores, python {mach['python']}, "
        f"engine {mach['engine']}, torch threads {mach['torch_threads'] or 'not loaded'} (setting {mach['torch_threads_setting']})"
    )
    print(
        f"\nwarm, in-process (extractive, default article): {w['questions']} questions x {w['repeats']} = {w['n']} asks "
        f"after {WARMUP} warm-up; build {w['build_s']:.1f} s; {w['refused_share']:.0%} refused"
    )
    print(f"{'':<24}{'p50':>9}{'p90':>9}{'p99':>9}{'mean':>9}{'max':>9}")
    print(f"{'wall around ask() ms':<24}" + "".join(f"{w[k]:>9.1f}" for k in ("p50_ms", "p90_ms", "p99_ms", "mean_ms", "max_ms")))
    print(f"median timings_ms: retrieve {w['median_retrieve_ms']:.1f}, answer {w['median_answer_ms']:.1f}")
    verdict = "PASS" if bar["p50_under_100ms"] else "FAIL"
    print(f"bar: p50 < 100 ms on 2 cores: {verdict} ({w['p50_ms']:.1f} ms on {mach['cores']} cores)")
    print(f"peak RSS of this process after the warm run: {_mb(w['peak_rss_mb'])}")
    if c is None:
        print("\ncold start: skipped (--cold-runs 0)")
        return 0
    print(f"\ncold start: python -m assistant.cli ask {COLD_QUESTION!r} --json (fresh process, peak RSS by {c['rss_method']})")
    print(
        f"{'first run (indexes)':<28}{c['first_run_s']:>8.2f} s   peak RSS {_mb(c['first_run_rss_mb'])}{'' if c['first_run_ok'] else '  FAILED'}"
    )
    print(
        f"{'indexed store, median':<28}{c['median_s']:>8.2f} s   (min {c['min_s']:.2f}, max {c['max_s']:.2f}, "
        f"{c['ok_runs']}/{c['runs']} ok)   peak RSS {_mb(c['peak_rss_mb'])}"
    )
    for e in c["errors"]:
        print(f"error: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
