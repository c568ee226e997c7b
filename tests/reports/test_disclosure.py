"""The public disclosure (公示) and the fee-standard history; reproducing a published report from git."""
from __future__ import annotations

import subprocess

import reports_scenario as scenario


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_disclosure_content(report_json, scenario_books):
    d = report_json("disclosure", "--period", "2026-Q1")
    assert d["as_of"] == "2026-03-31"  # default cut-off: the period's last day, never "now"
    assert d["computed_from"]["commit"] == git(scenario_books, "rev-parse", "HEAD")
    assert d["computed_from"]["commit_date"] == git(scenario_books, "show", "-s", "--format=%cI", "HEAD")
    assert d["computed_from"]["clean"] is True
    # by item, charges of 2026-Q1: PF 5 x 300 = 1500, waived 50, 实收 750, written off 100 (2-102 Jan), open 600;
    # GC 5 x 60 = 300, 实收 160, written off 20, open 120; WTR (pass-through) 40 billed and paid by 1-101
    items = {i["item"]: (i["billed"], i["waived"], i["collected"], i["written_off"], i["open"], i["pass_through"])
             for i in d["items"]}
    assert items == {"PF": ("1500.00", "50.00", "750.00", "100.00", "600.00", False),
                     "GC": ("300.00", "0.00", "160.00", "20.00", "120.00", False),
                     "WTR": ("40.00", "0.00", "40.00", "0.00", "0.00", True)}
    # activity dated within Q1: one waiver 50, one compensation 200 (offset), one write-off 240 (2 periods)
    a = d["activity"]
    assert (a["waivers"]["count"], a["waivers"]["amount"]) == (1, "50.00")
    assert (a["compensation"]["count"], a["compensation"]["amount"], a["compensation"]["paid_out_in_cash"]) == (
        1, "200.00", "0.00")
    assert (a["write_offs"]["count"], a["write_offs"]["amount"]) == (1, "240.00")
    assert a["late_fees"] == {"assessed": "0.00", "collected": "0.00", "waived": "0.00"}
    assert d["rates"]["current"]["ratio"] == "0.5200" and d["rates"]["overall"]["ratio"] == "0.5254"
    # owners' arrears by building as household counts only, no unit ids; the developer's (a unit not handed
    # over in building 2) apart
    assert d["arrears_by_building"] == [
        {"building": "1", "households": 1, "outstanding": "120.00", "over_3y": "0.00"},
        {"building": "2", "households": 2, "outstanding": "600.00", "over_3y": "120.00"}]
    assert d["developer_arrears"] == {"units": 1, "outstanding": "240.00"}
    text = scenario.wuye(scenario_books, "report", "disclosure", "--period", "2026-Q1")
    for unit in ("1-101", "1-102", "2-101", "2-102", "2-201"):
        assert unit not in text
    assert [s["item"] for s in d["standards"]] == ["PF", "GC", "WTR"]
    assert d["standards"][0]["rates"] == [{"from": "2022-01-01", "prices": {"all": "100.00"}, "in_force": True}]


def test_disclosure_reproduced_byte_identical_from_older_commit(scenario_copy, tmp_path):
    books = scenario_copy
    old_sha = git(books, "rev-parse", "HEAD")
    published = {}
    for fmt in ("text", "html", "json", "csv"):
        published[fmt] = scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", fmt)
    # life goes on: new payments for Q1 charges are committed
    scenario.wuye(books, "pay", "2-101", "120.00", "--channel", "cash", "--date", "2026-03-31")
    scenario.wuye(books, "pay", "2-102", "360.00", "--channel", "cash", "--date", "2026-03-31")
    assert git(books, "rev-parse", "HEAD") != old_sha
    now = scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", "json")
    assert now != published["json"]
    for fmt, text in published.items():
        again = scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", fmt,
                              "--commit", old_sha[:12])
        assert again == text, fmt
    out = tmp_path / "again.html"
    scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", "html", "--commit", old_sha,
                  "--output", str(out))
    assert out.read_text(encoding="utf-8") == published["html"]
    # the temporary worktree is gone
    assert git(books, "worktree", "list").count("\n") == 0


def test_standards_history(scenario_copy):
    books = scenario_copy
    cfg = books / "config.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        '{from: 2022-01-01, all: "100.00"}]', '{from: 2022-01-01, all: "100.00"}, {from: 2026-07-01, all: "110.00"}]'),
        encoding="utf-8")
    git(books, "commit", "-qam", "PF 110.00 from 2026-07 (业主大会决议)")
    d = scenario.wuye(books, "report", "standards", "--format", "json")
    import json
    changes = json.loads(d)["changes"]
    last = changes[-1]
    assert (last["item"], last["old"], last["new"], last["from"]) == ("PF", "100.00", "110.00", "2026-07-01")
    assert last["commit"] == git(books, "rev-parse", "HEAD") and last["author"] == "Test Clerk"
