# Two commands: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR ?= build/exempelkommun
EXAMPLES ?= 1000

.PHONY: demo test fuzz libreoffice bench clean

# The product alone (what `make demo` needs); the tests' extras on top, only for `make test`.
# PYTHONWARNINGS: setuptools warns on every editable install that a folder named like the package may
# shadow it (our packages are mapped from the repository's folders, pyproject [tool.setuptools]); a
# new user's `make demo` should not open with a warning about nothing they did.
PIP := PYTHONWARNINGS=ignore::UserWarning $(BIN)/pip

$(BIN)/rodtrad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.test-extras: $(BIN)/rodtrad
	$(PIP) install --quiet -e '.[addin,test]'
	touch $@

demo: $(BIN)/rodtrad
	$(BIN)/rodtrad demo $(DEMO_DIR)

# The tests open generated workbooks in a real spreadsheet engine (LibreOffice headless), and make
# tagged PDFs of the report documents with its Writer (read back with poppler's pdfinfo/pdftotext).
# Carlito has Calibri's metrics (the template's and Excel's font): without it LibreOffice sets the
# documents in the wider DejaVu Sans and a table's figures break over two lines in the PDF.
libreoffice:
	@{ command -v soffice && command -v pdfinfo && command -v pdftotext && [ -e /usr/lib/libreoffice/program/libswlo.so ] \
	   && [ -e /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ]; } >/dev/null 2>&1 || { \
	  echo "Installing LibreOffice Calc and Writer (headless), the Carlito font and poppler-utils for the tests ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito; }

# Pytest's temporary folders inside this checkout: two checkouts testing at once (worktrees) never
# remove each other's (the default, /tmp/pytest-of-USER, is one per user).
test: $(VENV)/.test-extras libreoffice
	$(BIN)/lint-imports
	mkdir -p build  # pytest makes --basetemp but not its parent: a fresh clone has no build/ until `make demo`
	$(BIN)/python -m pytest -q --basetemp=build/pytest

# Random property-based cases against the validator (make test runs a fixed set).
fuzz: $(VENV)/.test-extras
	RODTRAD_FUZZ=1 RODTRAD_FUZZ_EXAMPLES=$(EXAMPLES) $(BIN)/python -m pytest -q tests/test_properties.py tests/test_answerable.py

bench: $(BIN)/rodtrad
	$(BIN)/python benchmarks/generate.py --units 200

clean:
	rm -rf $(VENV) build .pytest_cache
