"""Assigning a queued item (待认领): the value-date rule, the allocation a payment of that day would make,
the receipt of the year it is issued, aliases learned only when asked. Real books, real git, the CLI."""
from __future__ import annotations

import os

from .conftest import GOLDEN, git

A_WANG = "100004990124030500000000000105"   # wechat_personal: nickname A.王, no remark, 264.00 on 2024-03-05


def _queued(books, ref=A_WANG) -> dict:
    books.import_json(books.sample("wechat_personal"))
    return {i["ref"]: i for i in books.ok("queue", "--json").json()["items"]}[ref]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output by hand"
    assert text == path.read_text(encoding="utf-8")


def test_assignment_is_dated_the_day_it_is_assigned(books, monkeypatch):
    item = _queued(books)
    assert item["date"] == "2024-03-05"
    march = books.month_text("2024-03")
    # a year later: the money has sat in suspense; 3-0801 owes 2024-01 .. 2025-01
    monkeypatch.setenv("WUYE_TODAY", "2025-01-10")
    books.ok("bill", "--from", "2024-04", "--to", "2025-01")
    march_billed = books.month_text("2024-03")
    assert march_billed == march                      # billing April on wrote nothing into March
    # what a payment recorded today would settle
    dry = books.ok("pay", "3-0801", "264.00", "--channel", "bank", "--dry-run").out
    out = books.ok("assign", item["id"], "3-0801").out
    assert "received 2024-03-05, assigned 2025-01-10" in out
    assert books.month_text("2024-03") == march       # the month the money arrived is not touched
    jan = books.month_text("2025-01")
    assert 'received: "2024-03-05"' in jan and f'queue: "{item["id"]}"' in jan
    receipt = "SJ2025-000001"                         # numbered in the year it is issued
    assert f'receipt: "{receipt}"' in jan and f"2025-01-10 * \"收款 {receipt} 3-0801" in jan
    # the same allocation as the payment of that day: oldest open item first
    assert dry.splitlines()[1:] == [ln for ln in out.splitlines() if ln.startswith(("arrears", "current", "prepay"))]
    assert "arrears PF 2024-02..2024-03 (2): 264.00" in out   # 2024-01 was paid by the import
    assert "wuye-alias" not in jan                    # learning is opt-in
    assert "alias not learned (pass --learn-alias to learn it): nickname A** -> 3-0801" in out
    rec = books.ok("receipt", receipt).out
    assert "日期：2025-01-10" in rec and "到账日期：2024-03-05" in rec
    html = books.ok("receipt", receipt, "--html").out
    assert "到账日期：2024-03-05" in html
    msg = git(books.root, "log", "-1", "--format=%B")
    assert msg.startswith(f"assign {item['id']} -> 3-0801 {receipt} 264.00 CNY")
    assert "received 2024-03-05, assigned 2025-01-10" in msg and "alias learned" not in msg
    # the golden: what the assignment commit added, in the files it touched
    _golden("queue_assign_value_date.beancount", git(books.root, "diff", "HEAD~1", "HEAD", "--stat=200", "--", "txns")
            + "".join(ln[1:] + "\n" for ln in git(books.root, "diff", "-U0", "HEAD~1", "HEAD", "--", "txns").splitlines()
                      if ln.startswith("+") and not ln.startswith("+++")))
    books.ok("check")


def test_assign_before_the_money_came_is_refused(books):
    item = _queued(books)
    bad = books.run("assign", item["id"], "3-0801", "--date", "2024-03-04")
    assert bad.rc != 0 and "2024-03-05" in bad.err and item["id"] in bad.err


def test_dry_run_writes_nothing_and_learning_is_asked_for(books):
    item = _queued(books)
    head = books.head()
    out = books.ok("assign", item["id"], "3-0801", "--dry-run", "--learn-alias").out
    assert "would assign" in out and "alias learned: nickname -> 3-0801" in out
    assert books.head() == head and git(books.root, "status", "--porcelain") == ""
    books.ok("assign", item["id"], "3-0801", "--learn-alias")
    apr = books.month_text("2024-04")
    assert '"wuye-alias" "nickname"' in apr and "3-0801" in apr
    assert "alias learned: nickname -> 3-0801" in git(books.root, "log", "-1", "--format=%B")
