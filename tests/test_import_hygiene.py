"""ledger/ is the domain core: pure Python + beancount. Importing it must not pull in a UI or web stack,
and no ledger module may import one (docs: ledger/docs.md)."""
from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEDGER = REPO / "ledger"
FORBIDDEN = ("textual", "rich", "flask", "fava", "tui", "fava_ext", "importers", "cli", "werkzeug")  # jinja2 is allowed: documents render from templates

PROBE = """
import importlib, json, pkgutil, sys
import ledger
names = ["ledger"]
for mod in pkgutil.walk_packages(ledger.__path__, "ledger."):
    importlib.import_module(mod.name)
    names.append(mod.name)
print(json.dumps({"imported": names, "modules": sorted(sys.modules)}))
"""


def ledger_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(LEDGER)], "ledger."))


def test_importing_every_ledger_module_loads_no_ui():
    res = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out["imported"]) >= {"ledger.books.folder", "ledger.books.writer", "ledger.billing.charges", "ledger.books.plugin"}
    assert set(out["imported"]) == {"ledger", *ledger_modules()}
    loaded = {m.split(".")[0] for m in out["modules"]}
    assert sorted(loaded & set(FORBIDDEN)) == []


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def test_no_ledger_source_imports_a_forbidden_package():
    files = sorted(LEDGER.rglob("*.py"))
    assert len(files) > 10
    bad = {str(f.relative_to(REPO)): sorted(imported_names(f) & set(FORBIDDEN)) for f in files}
    assert {f: n for f, n in bad.items() if n} == {}


def test_the_scanner_sees_forbidden_imports(tmp_path):
    """The check above can fail: every import form it must catch is caught."""
    src = tmp_path / "x.py"
    src.write_text("import rich.console\nfrom textual.app import App\ndef f():\n    import fava\n"
                   "    importlib.import_module('flask')\n    from tui import app\n", encoding="utf-8")
    assert imported_names(src) >= {"rich", "textual", "fava", "flask", "tui"}


def test_layer_contracts_hold():
    """The import-linter contracts in pyproject.toml: front ends -> importers -> ledger, no UI in the core,
    screens reach the core only through tui.core."""
    root = Path(__file__).resolve().parents[1]
    exe = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(exe)], cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout
