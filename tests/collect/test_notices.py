"""催缴通知书 (golden HTML), batch hold-outs for disputes, and the private message export."""
from __future__ import annotations

import csv
import os
import stat
import subprocess

import pytest
from collect_helpers import check_golden, d, pay

from ledger.collection import contacts, disputes, messages, notices
from ledger.books import git as vcs
from ledger.basics.errors import InputError


def _building2_partly_paid(books):
    pay(books, "2-0101", "8000", "2026-11-02")   # 43 x 186.00 = 7998.00, 2.00 on PF 2026-08
    pay(books, "2-0102", "12056", "2026-11-03")  # all but 2026-09 and 2026-10 (2 x 274.00)


def test_golden_batch_building(books):
    _building2_partly_paid(books)
    run = notices.issue_notices(books, d("2026-11-15"), building="2")
    assert [n.doc for n in run.notices] == ["CJ2026-000001", "CJ2026-000002"]
    assert [str(n.total) for n in run.notices] == ["556.00", "548.00"]
    html = run.html
    assert html.count('<div class="page">') == 2 and "page-break-after: always" in html
    assert "民法典》第九百四十四条" in html and "不得采取停止供电、供水、供热、供燃气" in html
    assert "王*" in html and "王芳" not in html and "13612345678" not in html
    check_golden("notice_building2.html", html)


def test_golden_single_with_posted_late_fee_draft(books):
    from ledger.billing.latefees import assess

    pay(books, "1-0201", "12672", "2026-10-20")  # leaves 2026-09 and 2026-10 (2 x 288.00)
    assess(books, d("2026-11-15"))
    run = notices.issue_notices(books, d("2026-11-15"), unit="1-0201", dry_run=True)
    [n] = run.notices
    assert [(ln.period, ln.item, str(ln.open)) for ln in n.lines] == [
        ("2026-09", "PF", "198.00"), ("2026-09", "PK", "80.00"), ("2026-09", "GC", "10.00"),
        ("2026-09", "LATE", "0.95"), ("2026-10", "PF", "198.00"), ("2026-10", "PK", "80.00"),
        ("2026-10", "GC", "10.00")]
    assert str(n.total) == "576.95" and not n.late_accrued
    assert "欧阳**" in run.html and "（样稿，未编号）" in run.html
    assert run.result is None and not contacts.load_contacts(books, "1-0201")
    check_golden("notice_1-0201_draft.html", run.html)


def test_no_late_fee_text_without_policy(books):
    n = notices.build_notice(books, "1-0101", d("2024-12-31"))
    assert n.late_policy == "" and n.late_accrued is None
    assert "违约金" not in notices.render_page(books, n)
    n = notices.build_notice(books, "1-0101", d("2025-01-01"))
    assert "按日0.03%计收违约金" in n.late_policy


def test_batch_holds_out_open_disputes_and_logs_one_commit(books):
    disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁", d("2026-10-01"))
    before = vcs.head(books.root)
    run = notices.issue_notices(books, d("2026-11-15"), overdue_days=30)
    assert [n.unit for n in run.notices] == ["1-0101", "1-0102", "1-0201", "2-0101", "2-0102"]
    assert set(run.held_out) == {"S-01"} and run.held_out["S-01"]["id"] == "TS2026-0001"
    assert "S-01" not in run.html
    assert vcs.git(books.root, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert "held out (open dispute):\nS-01 TS2026-0001" in run.result.message
    logged = contacts.load_contacts(books, as_of=d("2026-11-15"))
    assert [(c.unit, c.channel, c.doc, c.interrupts) for c in logged] == [
        (u, "letter", f"CJ2026-00000{i}", False) for i, u in enumerate(
            ["1-0101", "1-0102", "1-0201", "2-0101", "2-0102"], start=1)]
    # the next batch continues the numbering; a single unit with a dispute is refused unless forced
    run2 = notices.issue_notices(books, d("2026-11-16"), unit="1-0101")
    assert run2.notices[0].doc == "CJ2026-000006"
    with pytest.raises(InputError, match="open dispute TS2026-0001"):
        notices.issue_notices(books, d("2026-11-16"), unit="S-01")
    run3 = notices.issue_notices(books, d("2026-11-16"), unit="S-01", force=True)
    assert run3.notices[0].doc == "CJ2026-000007"


def test_overdue_days_filter_and_nothing_due(books):
    pay(books, "2-0101", "8370", "2026-11-02")  # 45 x 186.00: only 2026-10 is left, due 2026-10-31
    run = notices.issue_notices(books, d("2026-11-15"), overdue_days=20, dry_run=True)
    assert "2-0101" not in [n.unit for n in run.notices]
    run = notices.issue_notices(books, d("2026-11-15"), overdue_days=15, dry_run=True)
    assert "2-0101" in [n.unit for n in run.notices]
    with pytest.raises(InputError, match="nothing overdue"):
        notices.issue_notices(books, d("2023-01-31"), unit="2-0101", dry_run=True)  # 2023-01 is due that day
    with pytest.raises(InputError, match="UNIT, --building"):
        notices.issue_notices(books, d("2026-11-15"))


def test_cli_notice(books_dir, run_cli, tmp_path):
    out = tmp_path / "n.html"
    r = run_cli("notice", "--building", "1", "--as-of", "2026-11-15", "--output", str(out), books=books_dir)
    assert r.rc == 0, r.err
    assert "3 notice(s) CJ2026-000001..CJ2026-000003 logged" in r.err
    assert out.read_text(encoding="utf-8").count('<div class="page">') == 3


# --- messages -------------------------------------------------------------------------------------

def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_sms_messages_fill_names_only_in_export(books, tmp_path):
    disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁", d("2026-10-01"))
    pay(books, "2-0101", "8000", "2026-11-02")
    rows, held = messages.render_messages(books, "sms_reminder", d("2026-11-15"), building="2")
    assert held == {} and [r["unit"] for r in rows] == ["2-0101", "2-0102"]
    assert rows[0]["text"] == ("【测试苑物业】王芳您好，2-0101截至2026-11-15尚欠物业相关费用556.00元（2026-08至2026-10），"
                               "请于2026-11-30前缴纳。如有疑问请致电0710-5550000。")
    assert rows[1]["phone"] == "" and rows[1]["name"] == "赵强"
    path = messages.write_csv(books, rows, tmp_path / "out" / "sms.csv")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _read(path)[0]["phone"] == "13612345678"
    rows, held = messages.render_messages(books, "sms_reminder", d("2026-11-15"))
    assert "S-01" in held and "S-01" not in [r["unit"] for r in rows]


def test_group_messages_have_counts_not_names(books, tmp_path):
    rows, _ = messages.render_messages(books, "wechat_group", d("2026-11-15"))
    assert [(r["building"], r["count"]) for r in rows] == [("1", 3), ("2", 2), ("S", 1)]
    assert rows[0]["text"] == "温馨提示：1栋尚有3户未缴清2026-10物业费，请各位业主及时缴纳，感谢支持！"
    assert all("name" not in r for r in rows)


def test_csv_injection_neutralised(books, tmp_path):
    rows, _ = messages.render_messages(books, "evil", d("2026-11-15"), building="S")
    path = messages.write_csv(books, rows, tmp_path / "e.csv")
    [row] = _read(path)
    assert row["text"] == "'=S-01+15180.00"
    assert messages.safe_cell("+86 138") == "'+86 138" and messages.safe_cell("@x") == "'@x"
    assert messages.safe_cell("-1") == "'-1" and messages.safe_cell("正常") == "正常"


def test_output_inside_books_refused_unless_ignored(books):
    rows, _ = messages.render_messages(books, "sms_reminder", d("2026-11-15"))
    with pytest.raises(InputError, match="not git-ignored"):
        messages.write_csv(books, rows, books.root / "sms.csv")
    assert not (books.root / "sms.csv").exists()
    path = messages.write_csv(books, rows, books.root / ".wuye" / "sms.csv")  # .wuye/ is git-ignored
    assert path.exists() and vcs.status_lines(books.root) == []


def test_unknown_template_and_placeholder(books):
    with pytest.raises(InputError, match="no template 'nope'"):
        messages.render_messages(books, "nope", d("2026-11-15"))


def test_cli_messages(books_dir, run_cli, tmp_path):
    out = tmp_path / "m.csv"
    r = run_cli("messages", "--template", "sms_reminder", "--as-of", "2026-11-15", "--output", str(out),
                books=books_dir)
    assert r.rc == 0, r.err
    assert "wrote 6 message(s)" in r.out and "1 without a phone" in r.out
    r = run_cli("messages", "--template", "sms_reminder", "--output", str(books_dir / "x.csv"), books=books_dir)
    assert r.rc == 2 and "not git-ignored" in r.err


def test_cli_notice_held_by_a_dispute_is_sent_with_its_reason(books_dir, run_cli):
    r = run_cli("dispute", "open", "S-01", "--category", "cleaning", "--note", "门前保洁", "--date", "2026-10-01",
                books=books_dir)
    assert r.rc == 0, r.err
    before = subprocess.run(["git", "-C", str(books_dir), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout
    r = run_cli("notice", "S-01", "--as-of", "2026-11-15", books=books_dir)
    assert r.rc != 0 and "open dispute TS2026-0001" in r.err and "--force --reason" in r.err
    after = subprocess.run(["git", "-C", str(books_dir), "rev-parse", "HEAD"], capture_output=True, text=True,
                           check=True).stdout
    assert after == before  # refused: nothing written
    r = run_cli("notice", "S-01", "--as-of", "2026-11-15", "--reason", "业主要求书面账单", books=books_dir)
    assert r.rc == 0, r.err
    text = (books_dir / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
    block = next(b for b in text.split("\n\n") if '"wuye-contact" "S-01" "letter"' in b)
    assert 'dispute: "TS2026-0001"' in block and 'sent-despite-dispute: "业主要求书面账单"' in block
