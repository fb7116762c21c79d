# `make run` installs everything and starts the bot; `make test` installs everything and runs the tests.
# On a machine that reaches it, `make install TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu`
# takes CPU-only torch instead of the multi-gigabyte CUDA build that PyPI serves.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
TORCH_INDEX_URL ?=
PIP_INSTALL := $(PYTHON) -m pip install --quiet $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL))

LOCALES := bot/locales
CATALOGS := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))

MODEL := model/snake_classifier

.PHONY: install run test lint translations docs
install: $(VENV)/.installed $(CATALOGS) $(MODEL).onnx

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP_INSTALL) torch==2.13.0
	$(PIP_INSTALL) -e ".[train,dev]"
	touch $@

# Compiled translations, never committed: built again whenever their .po file changes.
$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain messages --input-file $< --output-file $@

# The model compiled for serving (model/compiled.py), so that the first start needn't compile it.
$(MODEL).onnx: $(MODEL).pkl $(VENV)/.installed
	$(PYTHON) -m model.compile $< $@

# After changing the words users read: every message id in the code into each .po file, for translators.
translations: install
	mkdir -p build
	$(VENV)/bin/pybabel extract --project "Coral Snake Check" --add-comments Translators: \
		--add-location file --sort-output --output-file build/messages.pot bot model
	$(VENV)/bin/pybabel update --domain messages --input-file build/messages.pot --output-dir $(LOCALES) \
		--ignore-obsolete

run: install
	$(PYTHON) -OO -m bot

test: install
	$(PYTHON) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The documentation site (docs/, mkdocs.yml) at http://127.0.0.1:8000, rebuilt as you edit.
docs: install
	$(VENV)/bin/mkdocs serve
