# `make run` installs everything and starts the bot; `make test` installs everything and runs the tests.
# On a machine that reaches it, `make install TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu`
# takes CPU-only torch instead of the multi-gigabyte CUDA build that PyPI serves.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
TORCH_INDEX_URL ?=
PIP_INSTALL := $(PYTHON) -m pip install --quiet $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL))

.PHONY: install run test lint
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP_INSTALL) torch==2.13.0
	$(PIP_INSTALL) -e ".[train,dev]"
	touch $@

run: install
	$(PYTHON) -OO -m bot

test: install
	$(PYTHON) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
