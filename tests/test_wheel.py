"""The built wheel works on its own: installed (not editable) into a fresh virtual environment
outside the repository and run from outside it, a model backend finds its prompts and answers.

Only the wheel goes into the fresh environment (`--no-deps`); its dependencies come from this
environment's site-packages, named by a path line in a .pth file. A path line does not run the .pth
files in that directory, so the editable install's import hook there stays out and `assistant`
can only come from the wheel (the child checks where it came from)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

# What stays out of the copy the wheel is built from (a stale build/ would hide a missing file).
NOT_SOURCE = (".git", ".venv", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".*_cache", ".article-chat", "artifacts")

ASK = """
import json, sys
from pathlib import Path

venv = Path(sys.argv[1]).resolve()
import assistant, index, settings
for module in (assistant, index, settings):
    where = Path(module.__file__).resolve()
    assert where.is_relative_to(venv), f"{module.__name__} imported from {where}, not the wheel in {venv}"

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.pool import open_assistant
from assistant.service import Assistant
from settings import Settings

offline = open_assistant(Settings(), article=sys.argv[2])
model = GenericFakeChatModel(messages=iter([AIMessage(content="The library opens at nine on Saturdays [¶2].")]))
with_model = offline.settings.model_copy(update={"backend": "openai", "llm_model": "fake"})
r = Assistant(with_model, offline.embedder, offline.store, offline.indexed, model).ask("When does the library open on Saturdays?")
print(json.dumps({"assistant": assistant.__file__, "result": r.model_dump(mode="json")}))
"""


def _run(*command, **options) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **options)
    assert done.returncode == 0, f"{command[:4]}...: {done.stderr[-4000:]}"
    return done.stdout


def test_installed_wheel_answers_with_a_model_from_outside_the_repo(tmp_path):
    src, dist, venv, work = (tmp_path / name for name in ("src", "dist", "venv", "elsewhere"))
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, src)
    (wheel,) = dist.glob("article_chat-*.whl")

    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    ours = dict.fromkeys(sysconfig.get_path(p) for p in ("purelib", "platlib"))  # this environment's, for the dependencies
    (site / "article_chat_test_deps.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")

    work.mkdir()
    (work / "ask.py").write_text(ASK, encoding="utf-8")
    article = work / "note.txt"
    article.write_text("Opening hours\n\nThe library opens at nine on Saturdays.\n", encoding="utf-8")
    # ARTICLE_CHAT_CACHE_DIR, where set, passes through: the embedding model comes from the usual cache.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env |= {"ARTICLE_CHAT_STORE_DIR": str(tmp_path / "store"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = json.loads(_run(python, "ask.py", venv, article, cwd=work, env=env, timeout=600).strip().splitlines()[-1])

    assert not Path(out["assistant"]).resolve().is_relative_to(ROOT)
    result = out["result"]
    assert result["backend"] == "openai:fake" and result["note"] == "", result  # the model's answer, verified: no fallback
    assert not result["refused"] and [c["paragraph"] for c in result["citations"]] == [2]
    assert "nine on Saturdays" in result["citations"][0]["quote"]
