"""The 公示 as posted: 收支 (income, spending, balance), funds held for others, discounts, rates as ratio and
percent, arrears by building with the developer apart, fee standards in words, posting date, office
contact, objection period and signature block, A4 print CSS; the default period (the last complete month
or year) and the one as-of rule (no future cut-off unless --allow-future). Golden HTML under 包干制 and
酬金制 (regenerate with WUYE_GOLDEN_UPDATE=1 and read the diff)."""
from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UNITS = """unit,building,area_m2,type,handover_date,parking_spaces,owner_id
1-0101,1,100.00,residential,2023-12-15,0,O-1
1-0102,1,50.00,residential,2023-12-15,0,O-2
2-0101,2,80.00,residential,2026-06-01,0,
"""
CONFIG = """\
community: {{name: 测试苑, currency: CNY, books_start: 2026-01-01, regime: {regime}}}
fees:
  PF: {{name: 物业服务费, basis: area, rates: [{{from: 2026-01-01, residential: "2.40"}}]}}
  WTR: {{name: 水费, basis: metered, pass_through: true, rates: [{{from: 2026-01-01, all: "4.10"}}]}}
channels: {{bank: Assets:Bank:CMB}}
staff: [会计, 主任, 收费员甲]
expenses:
  categories:
    Cleaning: {{name: 保洁, keywords: [保洁]}}
    Repairs: {{name: 维修, keywords: [维修]}}
{remuneration}
office: {{name: 测试苑物业服务中心, address: 测试路1号, phone: 0710-5550000, hours: 每日 9:00-17:00, objection_days: "10"}}
"""
STEPS = """\
bill 2026-03
pay 1-0101 240.00 --channel cash --date 2026-03-02
pay 1-0102 150.00 --channel bank --ref B1 --date 2026-03-03
expense 80.00 --category 保洁 --channel cash --reason 3月保洁耗材 --approved-by 主任 --date 2026-03-05
common-income 300.00 --source ads --channel bank --reason 电梯广告 --date 2026-03-07
bill 2026-04
"""


@pytest.fixture
def books_of(make_books, run_cli, tmp_path, monkeypatch):
    def build(regime: str, remuneration: str = ""):
        # fixed commit dates: the commit ids and the posting date (the commit's date) are the same every run
        for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            monkeypatch.setenv(k, "2026-04-02T09:00:00+08:00")
        monkeypatch.setenv("WUYE_TODAY", "2026-04-02")
        root = make_books(tmp_path, CONFIG.format(regime=regime, remuneration=remuneration), UNITS)

        def wuye(line: str, ok: bool = True):
            r = run_cli(*shlex.split(line), books=root)
            assert (r.rc == 0) == ok, f"wuye {line}\n{r.out}\n{r.err}"
            return r
        for line in STEPS.splitlines():
            wuye(line)
        if remuneration:
            wuye("remuneration 2026-03")
        return root, wuye
    return build


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output by hand"
    assert text == path.read_text(encoding="utf-8")


def test_disclosure_baogan(books_of):
    root, wuye = books_of("包干制")
    d = json.loads(wuye("report disclosure --format json").out)
    assert d["period"] == "2026-03" and d["as_of"] == "2026-03-31"  # the last complete month on 2026-04-02
    # 当期应收 240 + 120 (owners) + 192 (the developer's unit 2-0101), 当期实收 240 + 120
    assert d["rates"]["current"] == {"label": "当期收缴率", "numerator": "360.00", "denominator": "552.00",
                                     "ratio": "0.6522", "percent": "65.22%"}
    assert d["rates"]["arrears"]["ratio"] is None and d["rates"]["arrears"]["percent"] == "—"
    for r in d["rates"].values():
        assert r["percent"] == "—" if r["ratio"] is None else r["percent"] == f"{float(r['ratio']) * 100:.2f}%"
    assert d["income"]["fees_collected"] == "360.00"
    assert d["income"]["common_income"] == [{"source": "ads", "name": "广告收益", "amount": "300.00"}]
    assert d["spending"]["operating"] == [{"category": "Cleaning", "name": "保洁", "amount": "80.00", "count": 1}]
    assert d["balance"] == {"income": "360.00", "spending": "80.00", "surplus": "280.00"}
    held = d["held_for_others"]
    assert held["owner_credits"] == "30.00" and held["common_income"] == "300.00"
    assert held["total"] == "330.00"
    assert d["developer_arrears"] == {"units": 1, "outstanding": "192.00"}   # 2-0101 not handed over
    assert d["standards_in_words"] == ["物业服务费 住宅 2.40 元/㎡·月", "水费 4.10 元/吨"]
    assert d["posting"]["posted"] == "2026-04-02" and d["posting"]["objection_until"] == "2026-04-11"
    html = wuye("report disclosure --format html").out
    assert "@page{size:A4" in html and "业主委员会（盖章）" in html and "0710-5550000" in html
    assert "物业服务费 住宅 2.40 元/㎡·月" in html and "<td>65.22%</td>" in html
    check_golden("disclosure_baogan.html", html)
    year = json.loads(wuye("report disclosure --period year --format json").out)
    assert year["period"] == "2025" and year["as_of"] == "2025-12-31"


def test_disclosure_choujin(books_of):
    root, wuye = books_of("酬金制", '  remuneration: {basis: spending, rate: "0.10"}')
    d = json.loads(wuye("report disclosure --format json").out)
    assert d["regime"] == "酬金制"
    assert d["spending"]["operating_total"] == "80.00"
    assert d["balance"]["remuneration"] == "8.00"
    assert d["balance"]["surplus"] == "272.00"
    # the owners' fund at the cut-off 03-31: March's fees billed into it (552.00), less spending 80.00 and 酬金 8.00
    assert d["balance"]["owners_fund_balance"] == "464.00"
    html = wuye("report disclosure --format html").out
    assert "物业服务企业酬金" in html and "酬金制" in html
    check_golden("disclosure_choujin.html", html)


def test_one_as_of_rule_for_every_report(books_of):
    root, wuye = books_of("包干制")
    r = wuye("report disclosure --period 2026-04", ok=False)   # its last day is after today
    assert "--allow-future" in r.err and "2026-04-30" in r.err
    for name in ("rates", "arrears", "reconciliation", "limitation"):
        r = wuye(f"report {name} --as-of 2026-04-03", ok=False)
        assert "2026-04-03 is after today 2026-04-02" in r.err, name
    assert wuye("report rates --as-of 2026-04-30 --period 2026-04 --allow-future --format json").rc == 0
    assert wuye("report disclosure --period 2026-04 --allow-future --format json").rc == 0


def test_disclosure_pdf_is_a4_cjk_and_reproducible(books_of, tmp_path):
    root, wuye = books_of("包干制")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    wuye(f"report disclosure --format pdf --output {a}")
    head = __import__("subprocess").run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                        text=True, check=True).stdout.strip()
    wuye("pay 1-0102 10.00 --channel cash --date 2026-03-31 --prepay")  # the books move on
    wuye(f"report disclosure --period 2026-03 --format pdf --output {b} --commit {head}")
    data = a.read_bytes()
    assert data.startswith(b"%PDF-") and b"/STSong-Light" in data
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4 in points
    assert data == b.read_bytes()
    r = wuye("report disclosure --format pdf", ok=False)
    assert "--output" in r.err
