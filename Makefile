# The two commands of the README: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-test model index run chat test lint bench

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first: pip then takes the CPU build from local disk instead of a multi-GB CUDA build.
install: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

model: install
	$(BIN)/python -m index.model_prep

index: model
	$(BIN)/article-chat index index/articles/tokayev-wp-2022-12-01.uk.txt

run: index
	$(BIN)/article-chat chat

chat: run

test: install-test model
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test model
	$(BIN)/python bench/dev_questions.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/xquad.py
