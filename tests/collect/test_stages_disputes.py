"""Escalation stages and disputes."""
from __future__ import annotations

import json

import pytest
from collect_helpers import d, pay

from ledger.collection import contacts, disputes, stages
from ledger.basics.errors import InputError


def test_today_is_pinned(books):
    assert books.today() == d("2026-11-15")


def test_stage_history_explicit_and_implied(books):
    contacts.log_contact(books, "1-0101", "sms", "短信提醒", date=d("2026-09-01"))
    contacts.log_contact(books, "1-0101", "letter", "催缴函", date=d("2026-10-01"))
    cur = stages.current_stages(books, d("2026-10-15"))["1-0101"]
    assert (cur["stage"], cur["since"]) == ("notice", d("2026-10-01"))
    stages.set_stage(books, "1-0101", "lawyer", d("2026-10-20"), "律师函已寄出")
    contacts.log_contact(books, "1-0101", "phone", "电话沟通", date=d("2026-10-25"))  # implied 'reminded' never lowers
    cur = stages.current_stages(books, d("2026-11-15"))["1-0101"]
    assert (cur["stage"], cur["label"], cur["since"]) == ("lawyer", "律师函", d("2026-10-20"))
    assert [(h["stage"], h["source"]) for h in cur["history"]] == [
        ("reminded", "contact"), ("notice", "contact"), ("lawyer", "stage"), ("reminded", "contact")]
    stages.set_stage(books, "1-0101", "committee", d("2026-11-01"), "协商中，暂缓")  # explicit may lower
    assert stages.current_stages(books, d("2026-11-15"))["1-0101"]["stage"] == "committee"
    assert stages.current_stages(books, d("2026-11-15"))["1-0102"]["stage"] is None
    text = (books.root / "txns/2026/2026-10.beancount").read_text(encoding="utf-8")
    assert '2026-10-20 custom "wuye-stage" "1-0101" "lawyer"' in text


def test_stage_of_a_settled_episode_is_forgotten(books):
    stages.set_stage(books, "2-0101", "lawyer", d("2026-10-01"))
    pay(books, "2-0101", "8556.00", "2026-11-02")  # 46 x 186.00: everything billed to 2026-10
    assert "2-0101" not in stages.current_stages(books, d("2026-11-05"))
    with pytest.raises(InputError, match="owes nothing"):
        stages.set_stage(books, "2-0101", "reminded", d("2026-11-05"))


def test_stage_refuses_unknown(books):
    with pytest.raises(InputError, match="unknown stage"):
        stages.set_stage(books, "1-0101", "jail")


def test_dispute_ids_sequential_per_year(books):
    a, _ = disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁不到位", d("2025-12-30"))
    b, _ = disputes.open_dispute(books, "1-0101", "leak", "3000", "平台积水渗入卧室", d("2026-01-05"))
    c, _ = disputes.open_dispute(books, "2-0101", "noise", None, "楼上噪音", d("2026-02-01"))
    assert (a, b, c) == ("TS2025-0001", "TS2026-0001", "TS2026-0002")
    info = disputes.disputed_units(books, d("2026-11-15"))
    assert set(info) == {"S-01", "1-0101", "2-0101"}
    assert info["1-0101"]["id"] == "TS2026-0001" and info["1-0101"]["days_open"] == 314
    assert str(info["1-0101"]["claim"]) == "3000.00"
    assert disputes.disputed_units(books, d("2026-01-04")).keys() == {"S-01"}


def test_dispute_close_without_compensation(books):
    did, _ = disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁不到位", d("2026-10-01"))
    with pytest.raises(InputError, match="before the dispute was opened"):
        disputes.close_dispute(books, did, "x", date=d("2026-09-30"))
    with pytest.raises(InputError, match="only go with --compensation"):
        disputes.close_dispute(books, did, "x", date=d("2026-10-30"), approved_by="经理")
    entries, result = disputes.close_dispute(books, did, "调整保洁时间并拍照反馈，业主满意", date=d("2026-10-30"))
    assert len(entries) == 1 and result.commit
    assert "S-01" not in disputes.disputed_units(books, d("2026-10-30"))
    assert "S-01" in disputes.disputed_units(books, d("2026-10-29"))
    with pytest.raises(InputError, match="already closed"):
        disputes.close_dispute(books, did, "again")
    with pytest.raises(InputError, match="not found"):
        disputes.close_dispute(books, "TS2026-0099", "x")
    [row] = disputes.dispute_list(books, d("2026-11-15"))
    assert row["days"] == 29 and not row["open"] and row["resolution"].startswith("调整保洁")


def test_dispute_close_with_compensation_is_one_commit(books):
    from ledger.books import git as vcs

    did, _ = disputes.open_dispute(books, "1-0101", "leak", "3000", "渗水", d("2026-06-01"))
    before = vcs.head(books.root)
    entries, result = disputes.close_dispute(books, did, "协商补偿", date=d("2026-11-10"), compensation="500",
                                             approved_by="经理", mode="offset")
    assert vcs.git(books.root, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert {type(e).__name__ for e in entries} == {"Custom", "Transaction"}
    row = books.cache.q("SELECT op, meta, links FROM txns WHERE op='compensate'")[0]
    assert json.loads(row[1])["dispute"] == did and f"dispute-{did}" in row[2]
    # offset: the oldest charges of the unit are settled as compensated, not as paid
    kinds = books.cache.q("SELECT kind, SUM(cents) FROM postings WHERE op='compensate' AND acct='ar' GROUP BY kind")
    assert kinds == [("compensated", -50000)]
    rep = disputes.dispute_report(books, d("2026-11-15"))
    assert (rep["closed"], rep["compensation_total"], rep["avg_days_to_resolve"]) == (1, "500.00", 162.0)


def test_compensation_needs_approval(books):
    did, _ = disputes.open_dispute(books, "1-0101", "leak", "3000", "渗水", d("2026-06-01"))
    with pytest.raises(InputError, match="approved-by"):
        disputes.close_dispute(books, did, "协商补偿", compensation="500")
    assert did in disputes.disputed_units(books, d("2026-11-15"))["1-0101"]["ids"]


def test_dispute_report_ties_arrears(books):
    disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁", d("2026-10-01"))
    rep = disputes.dispute_report(books, d("2026-11-15"))
    assert (rep["open"], rep["arrears_tied"], rep["max_days_open"]) == (1, "15180.00", 45)  # 46 x 330.00


def test_cli_dispute_flow(books_dir, run_cli):
    r = run_cli("dispute", "open", "S-01", "--category", "cleaning", "--note", "门前不干净", "--date", "2026-10-01",
                books=books_dir)
    assert r.rc == 0 and "TS2026-0001" in r.out
    r = run_cli("dispute", "list", "--open", "--json", books=books_dir)
    rows = json.loads(r.out)["disputes"]
    assert [(x["id"], x["unit"], x["category_label"], x["arrears"]) for x in rows] == [
        ("TS2026-0001", "S-01", "保洁", "15180.00")]
    r = run_cli("dispute", "open", "S-01", "--category", "bribery", "--note", "x", books=books_dir)
    assert r.rc == 2
    r = run_cli("dispute", "close", "TS2026-0001", "--resolution", "已整改", books=books_dir)
    assert r.rc == 0
    assert json.loads(run_cli("dispute", "list", "--open", "--json", books=books_dir).out)["disputes"] == []
