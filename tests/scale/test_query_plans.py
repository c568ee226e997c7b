"""One unit's figures are read by the unit's indexes, never by a scan of every unit's rows.

sqlite picks a plan from the schema and the query alone (the cache has no ANALYZE statistics), so the
plan seen on small books is the plan on 5,000 units x 120 months, where a wrong one costs seconds (one
unit's item sums read by (acct, date): 1.36 s; by the unit index: 0.009 s). Every statement sqlite runs
for one unit's statement and open items is caught with sqlite's own trace callback and explained.
"""
from __future__ import annotations

import datetime as dt

from ledger.books import facts
from ledger.books.folder import Books
from ledger.reports.statement import statement

UNIT = "1-0302"


def per_unit_plans(books: Books, run) -> list[tuple[str, list[str]]]:
    seen: list[str] = []
    books.cache.db.set_trace_callback(seen.append)
    try:
        run()
    finally:
        books.cache.db.set_trace_callback(None)
    out = []
    for sql in seen:
        if not sql.lstrip().upper().startswith("SELECT") or f"'{UNIT}'" not in sql:
            continue
        plan = [row[3] for row in books.cache.db.execute("EXPLAIN QUERY PLAN " + sql)]
        out.append((sql, plan))
    return out


def test_one_units_statement_reads_only_that_units_rows(books_factory):
    wuye = books_factory(today="2024-03-20")
    for line in ("bill --from 2024-01 --to 2024-03", f"pay {UNIT} 150 --channel cash",
                 f"pay {UNIT} 20 --channel wechat --ref W1", "pay 1-0401 30 --channel cash"):
        assert wuye.line(line).rc == 0, line
    books = Books(wuye.root)
    try:
        day = dt.date(2024, 1, 15)
        plans = per_unit_plans(books, lambda: (
            statement(books, UNIT), facts.open_items(books.cache, UNIT, day),
            facts.item_class_sums(books.cache, UNIT, day), facts.credit_balances(books.cache, UNIT, day)))
    finally:
        books.close()
    assert len(plans) >= 4
    for sql, plan in plans:
        steps = " | ".join(plan)
        for table in ("postings", "txns"):
            assert f"SCAN {table}" not in steps, (sql, plan)
        assert "p_acct_date" not in steps and "p_acct_period" not in steps and "p_cls" not in steps, (sql, plan)
