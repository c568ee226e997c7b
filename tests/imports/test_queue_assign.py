"""Assigning a queued item (待认领): the value-date rule, the allocation a payment of that day would make,
the receipt of the year it is issued, aliases learned only when asked. Real books, real git, the CLI."""
from __future__ import annotations

import os
import re

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


def _suspense(books) -> str:
    from ledger.books.folder import Books

    b = Books(books.root)
    try:
        (cents,) = b.cache.q("SELECT COALESCE(SUM(cents),0) FROM postings WHERE account=?",
                             ("Assets:Suspense:Unidentified",))[0]
    finally:
        b.close()
    return f"{cents / 100:.2f}"


def test_void_of_an_assignment_reopens_the_item_and_keeps_its_history(books):
    item = _queued(books)
    before = _suspense(books)
    r = books.ok("assign", item["id"], "3-0801", "--learn-alias", "--json").json()
    assert _suspense(books) != before
    assert item["id"] not in {i["id"] for i in books.ok("queue", "--json").json()["items"]}
    out = books.ok("void", r["receipt"], "--reason", "认错房号").out
    assert f"queue item {item['id']} is open again" in out
    assert "alias kept: nickname A** -> 3-0801" in out
    msg = git(books.root, "log", "-1", "--format=%B")
    assert f"queue item {item['id']} is open again" in msg and "alias kept: nickname A** -> 3-0801" in msg
    assert _suspense(books) == before                       # the money waits in suspense again
    again = {i["id"]: i for i in books.ok("queue", "--json").json()["items"]}[item["id"]]
    assert again["status"] == "open" and again["ref"] == item["ref"]
    assert [h["event"] for h in again["history"]] == ["queued", "assigned", "voided", "open"]
    assert again["history"][1]["detail"] == r["receipt"]
    text = books.month_text("2024-04")
    assert f'reopens: "{item["id"]}"' in text and f'voids: "{r["receipt"]}"' in text
    assert "history: queued 2024-03-05 -> assigned 2024-04-01" in books.ok("queue").out
    # the alias it taught is still in force until someone forgets it
    aliases = books.ok("alias", "list", "--json").json()["aliases"]
    mine = [a for a in aliases if a["source"] == f"assign {item['id']}"]
    assert len(mine) == 1 and mine[0]["unit"] == "3-0801"
    head = books.head()
    gone = books.ok("alias", "forget", mine[0]["key"][:8], "--reason", "认错房号").out
    assert "alias forgotten: nickname A** -> 3-0801" in gone
    assert books.commits() and books.head() != head
    assert git(books.root, "log", "-1", "--format=%s").startswith("alias forget: 1 alias(es)")
    assert f'"wuye-alias-forget" "nickname" "{mine[0]["key"]}" "3-0801"' in books.month_text("2024-04")
    assert not [a for a in books.ok("alias", "list", "--json").json()["aliases"] if a["key"] == mine[0]["key"]]
    bad = books.run("alias", "forget", mine[0]["key"])
    assert bad.rc != 0 and "not found" in bad.err
    # assigned again: a new receipt, the same queue id
    r2 = books.ok("assign", item["id"], "3-0801", "--json").json()
    assert r2["receipt"] != r["receipt"] and r2["queue"] == item["id"]
    books.ok("check")


def test_void_with_forget_alias_forgets_it_in_the_same_commit(books):
    item = _queued(books)
    r = books.ok("assign", item["id"], "3-0801", "--learn-alias", "--json").json()
    n = books.commits()
    out = books.ok("void", r["receipt"], "--reason", "认错房号", "--forget-alias").out
    assert "alias forgotten: nickname A** -> 3-0801" in out and books.commits() == n + 1
    assert not [a for a in books.ok("alias", "list", "--json").json()["aliases"]
                if a["source"] == f"assign {item['id']}"]
    # a later row from that nickname is no longer booked by the alias: it waits in the queue
    later = books.tmp / "in" / "later.csv"
    later.write_bytes(books.sample("wechat_personal").read_bytes())
    from .test_import_flow import add_rows

    add_rows(later, dict(date="2024-03-31", nick="A.王", text="", amount="264.00", id="100004990124033100000000000401"))
    doc = books.import_json(later)
    assert not doc["payments"] and len(doc["queued"]) == 1


def test_refund_of_an_assignment_reopens_the_item(books):
    item = _queued(books)
    r = books.ok("assign", item["id"], "3-0801", "--json").json()
    out = books.ok("refund", "3-0801", "--receipt", r["receipt"], "--channel", "bank", "--reason", "不是本户的款").out
    assert f"queue item {item['id']} is open again" in out
    again = {i["id"]: i for i in books.ok("queue", "--json").json()["items"]}[item["id"]]
    assert [h["event"] for h in again["history"]] == ["queued", "assigned", "refunded", "open"]


def test_alias_forget_by_unit_and_bad_input(books):
    books.import_json(books.sample("wechat_personal"), books.sample("wechat_merchant"))
    aliases = books.ok("alias", "list", "--json").json()["aliases"]
    units = {a["unit"] for a in aliases}
    assert units
    unit = sorted(units)[0]
    n = sum(a["unit"] == unit for a in aliases)
    out = books.ok("alias", "forget", "--unit", unit).out
    assert out.count("alias forgotten:") == n
    assert not [a for a in books.ok("alias", "list", "--json").json()["aliases"] if a["unit"] == unit]
    bad = books.run("alias", "forget", "--unit", unit)
    assert bad.rc != 0 and unit in bad.err
    assert books.run("alias", "forget").rc != 0
    assert books.run("alias", "forget", "zzzzzzzz").rc != 0


def test_assign_of_a_queued_outflow_offers_the_refund_of_a_payment(books):
    # alipay …005 pays 50.00 back to 3-0801 on 03-04, before any payment of it: queued (money out)
    doc = books.import_json(books.sample("alipay_personal"))
    q = next(o for o in doc["queued"] if o["txn_id"].endswith("0005"))
    assert q["direction"] == "out"
    later = next(p for p in doc["payments"] if p["unit"] == "3-0801")          # 264.00 on 03-20
    dry = books.ok("assign", q["queue"], "3-0801", "--dry-run").out
    assert f"refund TK2024-000001 of {later['receipt']}" in dry and "(money out)" in dry
    r = books.ok("assign", q["queue"], "3-0801", "--json").json()
    assert r["receipt"] == "TK2024-000001" and r["direction"] == "out"
    apr = books.month_text("2024-04")
    assert f'refunds-part: "{later["receipt"]}"' in apr and f'queue: "{q["queue"]}"' in apr
    assert re.search(r"Assets:Suspense:Unidentified +-50.00 CNY", apr)
    status = {i["id"]: i["status"] for i in books.ok("queue", "--all", "--json").json()["items"]}
    assert status[q["queue"]] == "refunded"
    assert "¥50.00" in books.ok("receipt", "TK2024-000001").out
    books.ok("check")


def test_assignment_names_who_took_the_money(books, monkeypatch):
    # an assignment issues a receipt: without --by or WUYE_USER it is refused and nothing is written
    item = _queued(books)
    head = git(books.root, "rev-parse", "HEAD")
    monkeypatch.delenv("WUYE_USER", raising=False)
    res = books.run("assign", item["id"], "3-0801")
    assert res.rc != 0 and "no operator" in res.err
    assert git(books.root, "rev-parse", "HEAD") == head
    books.ok("assign", item["id"], "3-0801", "--by", "林小红")
    assert git(books.root, "log", "-1", "--format=%an").strip() == "林小红"
