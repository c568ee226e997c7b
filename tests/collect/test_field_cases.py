"""The two cases of ../shared/docs/field-notes-zh.txt, end to end through the CLI.

Case 1: a shop owner (S-01) refuses to pay, saying the cleaning in front of his door is poor. A dispute
is opened, the cleaning is rescheduled and upgraded with photos sent to him, the dispute is closed
without compensation and he pays all arrears.

Case 2: an owner (1-0101) paid nothing for three years because of a leak; the family claimed 3,000 CNY;
the office settled with the owner for 1,000 CNY compensation paid in cash the same day the 10,000+ CNY
owed was paid. The statement shows both, every charge is settled, the compensation is linked to the
dispute and is not counted as fees collected.
"""
from __future__ import annotations

import json

from ledger.books import git as vcs


def _ok(r):
    assert r.rc == 0, r.err
    return r


def test_case1_shop_owner_cleaning_complaint(books_dir, run_cli):
    cli = lambda *a: run_cli(*a, books=books_dir)  # noqa: E731
    _ok(cli("contact", "S-01", "--channel", "visit", "--outcome", "上门催缴；业主称门前地面总不干净，拒交",
            "--date", "2026-10-08", "--by", "王敏"))
    r = _ok(cli("dispute", "open", "S-01", "--category", "cleaning", "--note",
                "业主反映门前保洁不到位（按保洁标准无瑕疵）", "--date", "2026-10-08", "--by", "王敏"))
    did = r.out.strip().splitlines()[-1]
    assert did == "TS2026-0001"
    # a batch of notices in the meantime holds the shop out
    r = _ok(cli("notice", "--overdue-days", "30", "--as-of", "2026-10-15", "--dry-run"))
    assert "held out S-01: open dispute TS2026-0001" in r.err and "S-01" not in r.out
    arrears = json.loads(_ok(cli("arrears", "--as-of", "2026-10-15", "--json")).out)
    # October's 330.00 is billed but due 10-31: 未到期 on 10-15, not 欠费
    assert [(u["outstanding"], u["not_due"]) for u in arrears["units"] if u["unit"] == "S-01"] == [
        ("14850.00", "330.00")]
    # the special measures, logged as contacts
    _ok(cli("contact", "S-01", "--channel", "visit", "--outcome", "按业主上下班时间安排门前保洁，并擦拭入户门",
            "--date", "2026-10-12", "--by", "王敏"))
    r = _ok(cli("contact", "S-01", "--channel", "wechat", "--outcome", "发送保洁现场照片和小视频",
                "--proof", "微信聊天记录截图", "--date", "2026-10-20", "--by", "王敏"))
    assert "interrupting" in r.out
    _ok(cli("dispute", "close", did, "--resolution", "保洁时间按业主作息调整、保洁升级并拍照反馈，业主满意",
            "--date", "2026-10-28", "--by", "王敏"))
    assert json.loads(_ok(cli("dispute", "list", "--open", "--json")).out)["disputes"] == []
    # he pays everything owed (46 months x 330.00)
    _ok(cli("pay", "S-01", "15180.00", "--channel", "wechat", "--ref", "4200001234202610281234567890",
            "--date", "2026-10-28", "--by", "王敏"))
    st = json.loads(_ok(cli("statement", "S-01", "--as-of", "2026-10-31", "--json")).out)
    assert st["outstanding"] == "0.00" and {ln["status"] for ln in st["lines"]} == {"paid"}
    assert len(st["lines"]) == 92
    assert json.loads(_ok(cli("stages", "--as-of", "2026-10-31", "--json")).out)["units"].get("S-01") is None
    r = cli("notice", "S-01", "--as-of", "2026-10-31", "--dry-run")
    assert r.rc == 2 and "nothing overdue" in r.err
    lim = json.loads(_ok(cli("limitation", "--as-of", "2026-10-31", "--json")).out)
    assert not [x for g in lim["collectors"] for x in g["at_risk"] + g["past"] if x["unit"] == "S-01"]
    log = json.loads(_ok(cli("contacts", "S-01", "--json")).out)["contacts"]
    assert [c["channel"] for c in log] == ["visit", "visit", "wechat"]


def test_case2_leak_settled_with_compensation(books_dir, run_cli):
    cli = lambda *a: run_cli(*a, books=books_dir)  # noqa: E731
    _ok(cli("contact", "1-0101", "--channel", "phone", "--outcome", "业主以平台渗水为由拒交物业费", "--date", "2024-03-01"))
    r = _ok(cli("dispute", "open", "1-0101", "--category", "leak", "--claim", "3000", "--note",
                "设备平台雨水管三通打胶不牢、地漏堵塞，积水渗入卧室内墙起皮；业主家属要求赔偿3000元",
                "--date", "2024-03-01"))
    did = r.out.strip().splitlines()[-1]
    assert did == "TS2024-0001"
    _ok(cli("contact", "1-0101", "--channel", "letter", "--outcome", "书面催缴函", "--proof", "EMS EA100200300CN",
            "--date", "2025-06-01"))
    disputed = json.loads(_ok(cli("dispute", "list", "--open", "--json", "--as-of", "2026-11-09")).out)["disputes"]
    assert [(x["id"], x["claim"], x["arrears"]) for x in disputed] == [(did, "3000.00", "14958.74")]  # 46 x 325.19
    _ok(cli("contact", "1-0101", "--channel", "visit", "--outcome", "与业主本人协商，同意补偿1000元后缴清欠费",
            "--date", "2026-11-10"))
    # the same day: the owner pays everything owed, the office pays 1,000 CNY compensation in cash
    _ok(cli("pay", "1-0101", "14958.74", "--channel", "bank", "--ref", "CMB20261110001", "--date", "2026-11-10"))
    before = vcs.head(books_dir)
    _ok(cli("dispute", "close", did, "--resolution", "与业主本人协商补偿1000元，问题解决", "--compensation", "1000",
            "--approved-by", "物业经理", "--mode", "cash", "--date", "2026-11-10"))
    assert vcs.git(books_dir, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    text = (books_dir / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
    assert f'2026-11-10 custom "wuye-dispute-close" "1-0101" "{did}"' in text
    assert f"^dispute-{did}" in text and "Expenses:Compensation" in text

    st = json.loads(_ok(cli("statement", "1-0101", "--as-of", "2026-11-10", "--json")).out)
    assert st["outstanding"] == "0.00" and st["credit"] == "0.00"
    assert {ln["status"] for ln in st["lines"]} == {"paid"}  # all three-plus years settled
    assert {ln["period"][:4] for ln in st["lines"]} == {"2023", "2024", "2025", "2026"}
    ev = [(e["op"], e["amount"], e["dispute"]) for e in st["events"]]
    assert ("pay", "14958.74", None) in ev and ("compensate", "1000.00", did) in ev
    # compensation is an expense linked to the dispute, never fees collected
    from ledger.reports import rates
    from ledger.books.folder import Books

    books = Books(books_dir)
    fig = rates.collection_rates(books, "2023-01..2026-10", books.today(), by="building").groups["1"]
    amounts = fig.amounts()  # building 1: only 1-0101 paid anything
    assert (f"{amounts['collected']:.2f}", f"{amounts['compensated']:.2f}") == ("14958.74", "0.00")
    collected = books.cache.q("SELECT -SUM(cents) FROM postings WHERE unit='1-0101' AND acct='ar' "
                              "AND kind IN ('current','arrears','prepay','credit')")[0][0]
    assert collected == 1495874
    comp = books.cache.q("SELECT t.meta, p.account, p.cents FROM txns t JOIN postings p ON p.txn=t.id "
                         "WHERE t.op='compensate'")
    assert {(json.loads(m)["dispute"], a, c) for m, a, c in comp} == {
        (did, "Expenses:Compensation", 100000), (did, "Assets:Cash", -100000)}
    rep = json.loads(_ok(cli("dispute", "report", "--as-of", "2026-11-15", "--json")).out)
    assert (rep["closed"], rep["compensation_total"]) == (1, "1000.00")
    [row] = rep["disputes"]
    assert row["days"] == (books.today().fromisoformat("2026-11-10") - books.today().fromisoformat("2024-03-01")).days
    books.close()
