"""收支: expenses by category with an approver, 公共收益, the maintenance fund, outgoing bank rows read by
category or queued, and under 酬金制 the spending against the owners' fund and the company's 酬金.

Golden ledgers: golden/expenses_<regime>.beancount is every txns/ file after the steps below (regenerate
with WUYE_GOLDEN_UPDATE=1 and read the diff by hand)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UNITS = """unit,building,area_m2,type,handover_date,parking_spaces,owner_id
1-0101,1,100.00,residential,2023-12-15,0,O-1
1-0102,1,50.00,residential,2023-12-15,0,O-2
"""
CONFIG = """\
community: {{name: 测试苑, currency: CNY, books_start: 2026-01-01, regime: {regime}}}
fees:
  PF: {{name: 物业服务费, basis: area, rates: [{{from: 2026-01-01, residential: "2.00"}}]}}
channels: {{bank: Assets:Bank:CMB}}
staff: [会计, 主任]
expenses:
  categories:
    Staff: {{name: 人员, keywords: [工资, 代发]}}
    Cleaning: {{name: 保洁, keywords: [保洁]}}
    Repairs: {{name: 维修, keywords: [维修, 电梯]}}
{remuneration}
"""
STEPS = """\
bill 2026-03
pay 1-0101 200.00 --channel cash --date 2026-03-02
pay 1-0102 100.00 --channel bank --ref B1 --date 2026-03-03
expense 80.00 --category 保洁 --channel cash --reason "3月保洁耗材" --approved-by 主任 --date 2026-03-05
expense 50.00 --category Repairs --channel bank --reason "单元门闭门器" --approved-by 会计 --date 2026-03-06
common-income 300.00 --source ads --channel bank --reason "电梯广告 3月" --date 2026-03-07
expense 120.00 --category Repairs --fund common --channel bank --reason "公共区域照明维修" --approved-by 主任 --date 2026-03-08
"""
HEAD = "交易日,交易时间,借方金额,贷方金额,余额,摘要,流水号,用途,收(付)方名称\n"


def ledger_text(root: Path) -> str:
    return "".join(f";;; ==> {p.relative_to(root)}\n" + p.read_text(encoding="utf-8")
                   for p in sorted((root / "txns").rglob("*.beancount")))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output by hand"
    assert text == path.read_text(encoding="utf-8")


def subjects(root) -> list[str]:
    return subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def build(tmp_path, make_books, run_cli, monkeypatch, regime: str, remuneration: str = ""):
    monkeypatch.setenv("WUYE_TODAY", "2026-04-02")
    monkeypatch.setenv("WUYE_USER", "会计")  # the one who records (a receipt names who took the money)
    root = make_books(tmp_path, CONFIG.format(regime=regime, remuneration=remuneration), UNITS)
    salt = root / ".wuye" / "alias.salt"  # a fixed alias salt: the hashed alias keys in the goldens are stable
    salt.parent.mkdir(exist_ok=True)
    salt.write_text("00" * 32 + "\n", encoding="ascii")
    salt.chmod(0o600)

    def wuye(line: str, ok: bool = True):
        r = run_cli(*shlex.split(line), books=root)
        assert (r.rc == 0) == ok, f"wuye {line}\n{r.out}\n{r.err}"
        return r
    for line in STEPS.splitlines():
        wuye(line)
    return root, wuye


def import_outgoing(tmp_path, wuye):
    path = tmp_path / "out.csv"
    path.write_text(HEAD + "20260310,10:00:00,150.00,,,代发,K101,3月代发工资,\n"
                           "20260311,10:00:00,66.00,,,转账,K102,货款,某某商贸有限公司\n", encoding="utf-8")
    return json.loads(wuye(f"import {path} --json").out)


def test_expenses_golden_baogan(tmp_path, make_books, run_cli, monkeypatch):
    root, wuye = build(tmp_path, make_books, run_cli, monkeypatch, "包干制")
    out = import_outgoing(tmp_path, wuye)
    assert [o["txn_id"] for o in out["other"]] == ["K101"] and [o["txn_id"] for o in out["queued"]] == ["K102"]
    text = ledger_text(root)
    check_golden("expenses_baogan", text)
    assert "Expenses:Operating:Cleaning" in text and "Expenses:Operating:Staff" in text
    assert "Liabilities:CommonIncome:Ads" in text and "Liabilities:CommonIncome:Spending" in text
    assert subjects(root)[1] == ("expense 120.00 CNY Repairs from common via bank on 2026-03-08: 公共区域照明维修 "
                                 "(approved by 主任)")
    # refusals: no approver, the program as approver, an unknown category, more than the box or the fund holds
    n = len(subjects(root))
    r = wuye('expense 10 --category 保洁 --channel cash --reason x --approved-by wuye', ok=False)
    assert "approved" in r.err
    r = wuye('expense 10 --category 园林 --channel cash --reason x --approved-by 会计', ok=False)
    assert "Cleaning (保洁)" in r.err
    r = wuye('expense 120.01 --category 保洁 --channel cash --date 2026-03-05 --reason x --approved-by 会计', ok=False)
    assert "Assets:Cash" in r.err and "120.00" in r.err
    r = wuye('expense 180.01 --category 维修 --fund common --channel bank --reason x --approved-by 会计', ok=False)
    assert "Liabilities:CommonIncome" in r.err and "180.00" in r.err
    r = wuye('expense 1 --category 维修 --fund maintenance --channel bank --reason x --approved-by 会计', ok=False)
    assert "Liabilities:MaintenanceFund" in r.err
    r = wuye('expense 1 --category 维修 --channel bank --reason "业主13812345678" --approved-by 会计', ok=False)
    assert "personal data" in r.err
    r = wuye('remuneration 2026-03', ok=False)
    assert "酬金制" in r.err or "remuneration" in r.err.lower()
    assert len(subjects(root)) == n


def test_expenses_golden_choujin(tmp_path, make_books, run_cli, monkeypatch):
    root, wuye = build(tmp_path, make_books, run_cli, monkeypatch, "酬金制",
                       '  remuneration: {basis: spending, rate: "0.10"}')
    import_outgoing(tmp_path, wuye)
    wuye("remuneration 2026-03")
    text = ledger_text(root)
    check_golden("expenses_choujin", text)
    # the owners' money: fees into the fund, spending against it, 10 % of the month's spending (80 + 50 + 150)
    assert "Liabilities:OwnersFund:Fees:PF" in text and "Expenses:Operating" not in text
    assert "Liabilities:OwnersFund:Spending:Cleaning" in text and "Liabilities:OwnersFund:Spending:Staff" in text
    assert re.search(r"Liabilities:OwnersFund:Remuneration +28.00 CNY", text) and "Income:Remuneration" in text
    assert subjects(root)[0] == "remuneration 2026-03: 28.00 CNY = spending 280.00 x 0.10"
    r = wuye("remuneration 2026-03", ok=False)
    assert "2026-03" in r.err
    r = wuye("remuneration 2026-04", ok=False)  # the month is not over
    assert "2026-04" in r.err
