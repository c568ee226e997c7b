"""bench/tui.py runs end to end on small books (the figures themselves come from the real benchmark)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "tui.py"


def test_tui_bench_on_small_books(tmp_path, monkeypatch):
    monkeypatch.delenv("WUYE_TODAY", raising=False)  # the bench books run to the real today, as bench.py does
    spec = importlib.util.spec_from_file_location("bench_tui", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    bench = mod.bench
    assert "tui" in bench.REGISTRY
    from ledger.basics import periods

    last = periods.period_of(__import__("datetime").date.today())
    b = bench.Bench(tmp_path / "books", 60, 3, periods.add(last, -2), last)
    bench.build(b, reuse=False)
    head = mod._git(b.books, "rev-parse", "HEAD")
    bench.REGISTRY["tui"][1](b)
    names = [r.name for r in b.rows]
    assert {"tui start -> units usable", "tui payment form -> commit", "bean-check (same books)"} <= set(names)
    assert all(r.seconds and r.seconds > 0 for r in b.rows if r.name.startswith(("tui", "bean")))
    assert mod._git(b.books, "rev-parse", "HEAD") == head  # the payment was rolled back
