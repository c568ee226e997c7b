"""The reports scenario: five units, two buildings, built through the CLI with hand-computable figures.

Fees: PF 物业服务费 100.00 and GC 垃圾清运费 20.00 per unit and month (basis `unit`), WTR 商铺水费 4.00/吨
(metered, pass-through). Units 1-101, 1-102 (building 1, collector 甲), 2-101, 2-102 (building 2,
collector 乙), and 2-201 (building 2, never handed over: billed to the developer).
Billed: 2022-11, 2025-11, 2025-12, 2026-01, 2026-02, 2026-03 (120.00 a unit a month; WTR 40.00 for
1-101 in 2026-01 from readings 0 -> 10).

Before 2026 (the opening of P = 2026-Q1):
  1-101 pays 240 on 2025-11-10       -> 2022-11 (arrears) and 2025-11 (current); 2025-12 stays open
  1-102 pays 360 on 2025-12-05       -> 2022-11, 2025-11 (arrears), 2025-12 (current)
  2-101, 2-102, 2-201 pay nothing    -> 360 open each
During 2026-Q1:
  2026-01-05 1-102 pays 120          -> 2026-01 PF 100 + GC 20 (current)
  2026-01-15 1-101 pays 400 (bank)   -> 2025-12 120 (arrears, recovered) + 2026-01 PF/GC 120 + WTR 40
                                        (current) + 120 to credit
  2026-02 bill                       -> 1-101's 120 credit settles 2026-02 PF/GC (kind credit)
  2026-02-08 1-102 PF 2026-02 waived 50 (reason: a remark that looks like a formula)
  2026-02-10 1-102 pays 70           -> 2026-02 PF 50 + GC 20 (current)
  2026-02-10 developer pays 480 for 2-201 -> 2022-11, 2025-11, 2025-12 (recovered 360) + 2026-01 (120)
  2026-02-20 2-101 compensation 200 (offset, dispute TS2026-0001 opened 02-15) -> 2022-11 PF 100 + GC 20, 2025-11 PF 80
  2026-03-05 1-102 pays 120          -> 2026-03 (current) ... voided on 2026-03-20
  2026-03-10 1-101 pays 120          -> 2026-03 (current)
  2026-03-15 2-101 pays 400          -> 2025-11 PF 20 + GC 20, 2025-12 120 (recovered 160) + 2026-01 120
                                        + 2026-02 120 (arrears kind, but periods of P)
  2026-03-25 2-102 write-off 2025-11 (arrears) and 2026-01 (a period of P)
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

CONFIG = """\
community: {name: 测试小区, currency: CNY, books_start: 2022-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: unit, priority: 1, rates: [{from: 2022-01-01, all: "100.00"}]}
  GC: {name: 垃圾清运费, basis: unit, priority: 2, rates: [{from: 2022-01-01, all: "20.00"}]}
  WTR: {name: 商铺水费, basis: metered, priority: 3, pass_through: true, rates: [{from: 2022-01-01, all: "4.00"}]}
staff: [收费员甲]
collectors:
  - {name: 甲, buildings: ["1"]}
  - {name: 乙, buildings: ["2"]}
"""
UNITS = """\
unit,building,area_m2,type,handover_date,parking_spaces,owner_id
1-101,1,100.00,residential,2021-12-01,0,O-1
1-102,1,100.00,residential,2021-12-01,0,O-2
2-101,2,100.00,residential,2021-12-01,0,O-3
2-102,2,100.00,residential,2021-12-01,0,O-4
2-201,2,100.00,residential,,0,O-5
"""
OWNERS = "owner_id,name,phone\nO-1,欧阳娜娜,13912345678\nO-2,司马光明,13800001111\nO-3,诸葛亮亮,13700002222\n" \
         "O-4,上官婉儿,13600003333\n"

FORMULA_REASON = "=cmd|'/c calc'!A1"
FORMULA_VOID = "@SUM(1+1)"

ENV = {"GIT_AUTHOR_NAME": "Test Clerk", "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
       "GIT_COMMITTER_NAME": "Test Clerk", "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
       "WUYE_TODAY": "2026-03-31", "WUYE_USER": "收费员甲"}


@contextlib.contextmanager
def env(**extra):
    saved = {k: os.environ.get(k) for k in {**ENV, **extra}}
    os.environ.update({**ENV, **extra})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def wuye(books: Path, *args: str) -> str:
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(["--books", str(books), *map(str, args)])
        except SystemExit as exc:
            rc = exc.code
    # `bill` exits 1 when it wrote the bills but refused something (here: months without a water reading)
    if rc and not (rc == 1 and args[0] == "bill" and "committed" in out.getvalue()):
        raise AssertionError(f"wuye {' '.join(args)} -> {rc}\n{out.getvalue()}\n{err.getvalue()}")
    return out.getvalue()


def build(tmp: Path) -> Path:
    from ledger.books.create import init_books

    src = tmp / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (src / "units.csv").write_text(UNITS, encoding="utf-8")
    with env():
        books = init_books(tmp / "books", src / "config.yaml", src / "units.csv")
        (books / "owners.private.csv").write_text(OWNERS, encoding="utf-8")
        w = lambda *a: wuye(books, *a)  # noqa: E731
        w("bill", "2022-11")
        w("bill", "--from", "2025-11", "--to", "2025-12")
        w("pay", "1-101", "240.00", "--channel", "cash", "--date", "2025-11-10")
        w("pay", "1-102", "360.00", "--channel", "cash", "--date", "2025-12-05")
        w("reading", "1-101", "WTR", "0", "--date", "2025-12-31")
        w("reading", "1-101", "WTR", "10", "--date", "2026-01-20")
        w("bill", "2026-01")
        w("pay", "1-102", "120.00", "--channel", "wechat", "--date", "2026-01-05", "--ref", "4200001")
        w("pay", "1-101", "400.00", "--channel", "bank", "--date", "2026-01-15", "--payer", "tenant:张三")
        w("bill", "2026-02")
        w("waive", "1-102", "50.00", "--item", "PF", "--period", "2026-02", "--reason", FORMULA_REASON,
          "--approved-by", "主任", "--date", "2026-02-08")
        w("pay", "1-102", "70.00", "--channel", "cash", "--date", "2026-02-10")
        w("pay", "2-201", "480.00", "--channel", "bank", "--date", "2026-02-10", "--payer", "developer")
        w("dispute", "open", "2-101", "--category", "leak", "--note", "漏水", "--date", "2026-02-15")
        w("compensate", "2-101", "200.00", "--reason", "漏水赔偿", "--dispute", "TS2026-0001", "--approved-by", "主任",
          "--date", "2026-02-20")
        w("bill", "2026-03")
        w("pay", "1-102", "120.00", "--channel", "cash", "--date", "2026-03-05")
        w("pay", "1-101", "120.00", "--channel", "cash", "--date", "2026-03-10")
        w("void", "SJ2026-000005", "--reason", FORMULA_VOID, "--date", "2026-03-20")
        w("pay", "2-101", "400.00", "--channel", "cash", "--date", "2026-03-15")
        w("write-off", "2-102", "--period", "2025-11", "2026-01", "--reason", "无法联系", "--approved-by", "主任",
          "--date", "2026-03-25")
    return books
