"""Shared fixtures: one real model and one real Chroma store per test session.

The tests run offline: the variables below are set before anything imports a hub client."""

from __future__ import annotations

import os
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEV_QUESTIONS = SHARED / "article" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session")
def settings(store_dir):
    from settings import Settings

    return Settings(store_dir=store_dir)


@pytest.fixture(scope="session")
def assistant(settings):
    from assistant.service import Assistant

    return Assistant.from_settings(settings)
