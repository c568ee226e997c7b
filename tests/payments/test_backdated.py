"""The backdated-entries report on a constructed case: what is listed (recorded more than N days after
its value date), what is dated from git (entries written before `recorded` existed) and what is left
out and counted (a line git did not write as it stands)."""
from __future__ import annotations

import json

from .conftest import Wuye, git, make_books


def report(w, *args):
    return json.loads(w.ok("report", "backdated", "--format", "json", *args).out)


def test_backdated_entries(tmp_path, monkeypatch):
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-01")
    w.ok("bill", "2024-01")  # recorded on its date: 0 days
    w.today("2024-01-24")
    w.ok("pay", "1-0302", "100.00", "--channel", "cash", "--date", "2024-01-20")  # 4 days late
    w.ok("pay", "1-0401", "274.00", "--channel", "cash", "--date", "2024-01-21")  # 3 days: not more than 3
    w.ok("pay", "1-0401", "1.00", "--channel", "cash", "--date", "2024-01-10")  # 14 days late
    d = report(w)
    assert d["days"] == 3 and d["entries"] == 6 and d["undated"] == 0 and d["dated_from_git"] == 0
    assert [(r["number"], r["days_late"], r["by"]) for r in d["rows"]] == [
        ("SJ2024-000003", 14, "林小红"), ("SJ2024-000001", 4, "林小红")]
    assert d["rows"][0]["recorded"] == "2024-01-24T09:00:00+08:00"
    assert d["rows"][0]["where"].startswith("txns/2024/2024-01.beancount:")
    # --days 10 keeps only the 14-day one; --days 0 adds the 3-day payment
    assert [r["number"] for r in report(w, "--days", "10")["rows"]] == ["SJ2024-000003"]
    assert len(report(w, "--days", "0")["rows"]) == 3
    # an entry without the stamp, committed by hand: dated from its commit (author date pinned)
    month = w.root / "txns/2024/2024-01.beancount"
    with month.open("a", encoding="utf-8") as f:
        f.write('\n2024-01-05 custom "wuye-reading" "1-0302" "WTR" 10.00\n')
    git(w.root, "add", "-A")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2024-01-30T12:00:00+08:00")
    git(w.root, "commit", "-q", "-m", "hand entry")
    d = report(w)
    assert d["dated_from_git"] == 1 and d["undated"] == 0
    hand = [r for r in d["rows"] if r["source"] == "git"]
    assert [(r["date"], r["days_late"], r["what"]) for r in hand] == [("2024-01-05", 25, "wuye-reading")]
    # and one git never wrote as it stands (uncommitted): left out and counted
    with month.open("a", encoding="utf-8") as f:
        f.write('\n2024-01-06 custom "wuye-reading" "1-0401" "WTR" 10.00\n')
    d = report(w)
    assert d["undated"] == 1 and d["entries"] == 8 and len(d["rows"]) == 3
    text = w.ok("report", "backdated").out
    assert "补录记录" in text and "1 条无法确定记录时间" in text


def test_a_bill_is_on_time_within_its_month(tmp_path, monkeypatch):
    # bills are dated the 1st; a run on the 10th is the normal practice, a run after the month is not
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-10")
    w.ok("bill", "2024-01")
    assert report(w)["rows"] == []
    w.today("2024-03-05")
    w.ok("bill", "2024-02")  # recorded 5 days after February's last day
    rows = report(w)["rows"]
    assert rows and {(r["what"], r["date"], r["days_late"]) for r in rows} == {("bill", "2024-02-01", 5)}
