"""The next receipt number continues from the highest one in the books, by the rule of numbering.last_used
(the tail after SJYYYY- all digits, as Python reads digits), whatever hand edits left in the receipts:
the cache's query that cuts tens of thousands of receipts down to the candidates gives that highest."""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.books import numbering
from ledger.books.cache import FactCache

_counter = itertools.count()
TXN = '2026-03-0{day} * "收款"\n  op: "pay"\n  receipt: "{receipt}"\n  Assets:Cash  1.00 CNY\n  Income:Fee  -1.00 CNY\n\n'
tails = st.text(alphabet="0123456789a-１", max_size=9)
receipts = st.lists(st.tuples(st.sampled_from(["SJ2026-", "SJ2025-", "sj2026-", "SJ2026", "SJ-A2026-"]), tails),
                    max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(found=receipts)
def test_last_used_is_the_highest_all_digit_tail(tmp_path, found):
    root = tmp_path / f"b{next(_counter)}"
    root.mkdir()
    text = "".join(TXN.format(day=1 + i % 9, receipt=p + t) for i, (p, t) in enumerate(found))
    (root / "m.beancount").write_text('2026-01-01 open Assets:Cash\n2026-01-01 open Income:Fee\n\n' + text,
                                      encoding="utf-8")
    cache = FactCache(root, db_path=tmp_path / f"c{next(_counter)}.sqlite")
    try:
        cache.sync(["m.beancount"])
        assert len(cache.q("SELECT receipt FROM txns")) == len(found)
        whole = [p + t for p, t in found]
        expected = max([int(r[7:]) for r in whole if r.startswith("SJ2026-") and r[7:].isdigit()], default=0)
        assert numbering.last_used(cache, numbering.receipts("SJ"), 2026) == expected
    finally:
        cache.close()
