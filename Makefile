# Two entry points (see README): `make demo` runs the TUI on freshly built demo books,
# `make test` runs the whole suite. Both create .venv on first use.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-books

.PHONY: demo test venv bench clean messages

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

# UI catalogs: extract the Chinese source strings to locale/wuye.pot (add the new ones, translated, to
# locale/en/LC_MESSAGES/wuye.po: tests/i18n names any that are missing), then compile the .mo that ships
# beside the .po. No `pybabel update`: the core's report headers are msgids built at run time, which
# extraction cannot see and update would drop.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --omit-header -o locale/wuye.pot .
	$(BIN)/pybabel compile -d locale -D wuye

bench: venv
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) $(DEMO_DIR)
