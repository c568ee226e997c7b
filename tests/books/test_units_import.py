"""`wuye units import`: units added/updated with a reviewable diff; names and phones stay private."""
from __future__ import annotations

import os
import stat
import subprocess

from openpyxl import Workbook

UNITS = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n3-1502,3,98.50,residential,2024-01-01,1,O-1\n"
CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2024-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: area, rates: [{from: 2024-01-01, residential: "2.20"}]}
"""


def _git(books, *args):
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def test_import_xlsx_adds_units_opens_accounts_and_keeps_pii_private(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, CONFIG, UNITS)
    wb = Workbook()
    ws = wb.active
    ws.append(["房号", "楼栋", "建筑面积", "类型", "交付日期", "车位数", "业主姓名", "手机"])
    ws.append(["3-1502", "3", 98.5, "住宅", "2024-01-01", 2, "刘晓梅", "13912345678"])   # updated: 2 spaces
    ws.append(["5-2203", "5", 143.27, "住宅", "2024-02-15", 0, "吴大伟", "13700001111"])  # new
    sheet = tmp_path / "register.xlsx"
    wb.save(sheet)

    res = run_cli("units", "import", str(sheet), books=books)
    assert res.rc == 0, res.err
    assert "+5-2203,5,143.27,residential,2024-02-15,0,O-5-2203" in res.out   # the diff a reviewer reads
    assert "-3-1502,3,98.50,residential,2024-01-01,1,O-1" in res.out
    assert "units import: 1 added, 1 updated" in _git(books, "log", "-1", "--format=%s")
    accounts = (books / "accounts.beancount").read_text(encoding="utf-8")
    assert "Assets:Receivable:Unit:5-2203" in accounts and "Liabilities:Credit:Unit:5-2203" in accounts

    tracked = _git(books, "ls-files").split()
    assert "owners.private.csv" not in tracked
    for name in tracked:
        text = (books / name).read_text(encoding="utf-8")
        assert "刘晓梅" not in text and "13912345678" not in text and "吴大伟" not in text
    private = books / "owners.private.csv"
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert "刘晓梅" in private.read_text(encoding="utf-8")
    assert run_cli("check", books=books).rc == 0


def test_import_same_file_twice_changes_nothing(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, CONFIG, UNITS)
    sheet = tmp_path / "more.csv"
    sheet.write_text(UNITS + "6-0604,6,110.45,residential,2024-01-01,0,O-2\n", encoding="utf-8")
    assert run_cli("units", "import", str(sheet), books=books).rc == 0
    head = _git(books, "rev-parse", "HEAD")
    res = run_cli("units", "import", str(sheet), books=books)
    assert res.rc == 0 and "nothing changed" in res.out
    assert _git(books, "rev-parse", "HEAD") == head


def test_import_bad_row_names_file_row_and_column(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, CONFIG, UNITS)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(UNITS + "6-0604,6,-3,residential,,0,O-2\n", encoding="utf-8")
    head = _git(books, "rev-parse", "HEAD")
    res = run_cli("units", "import", str(sheet), books=books)
    assert res.rc != 0
    assert "bad.csv:3 [area_m2]" in res.err and "must be positive" in res.err
    assert _git(books, "rev-parse", "HEAD") == head
