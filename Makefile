# Two entry points (see README): `make demo` runs the TUI on freshly built demo books,
# `make test` runs the whole suite. Both create .venv on first use.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-books

.PHONY: demo test venv bench clean

$(BIN)/wuye: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/wuye

venv: $(BIN)/wuye

demo: venv
	@if [ ! -d $(DEMO_DIR)/.git ]; then $(BIN)/wuye demo $(DEMO_DIR); fi
	$(BIN)/wuye --books $(DEMO_DIR)

test: venv
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) $(DEMO_DIR)
