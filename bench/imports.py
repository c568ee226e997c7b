"""Benchmark: `wuye import` of a generated 10,000-row WeChat merchant bill into big books.

Plugs into bench/bench.py's registry (measurement "import"). Until bench.py wires it in with two lines
(`import imports as _imports` / `_imports.register(measurement)`), run it through this file, which
registers the measurement and then hands over to bench.py's own command line:

    .venv/bin/python bench/imports.py                                  # 5,000 units x 60 months, all
    .venv/bin/python bench/imports.py --units 500 --months 12 --only import
    .venv/bin/python bench/imports.py --dir bench/out/books-5000x60 --reuse --only import
    .venv/bin/python bench/imports.py --profile --dir ... --reuse     # cProfile of the in-process import

The bill has the sample's layout (backticks, CRLF, summary header + row): 10,000 rows for the day after
the last billed month, mostly attach `unit=…;item=物业服务费;period=…`, some unit only in 商品名称, some
with no unit (they go to the queue), and partial refunds. The import runs as a cold subprocess (startup
included). Afterwards the books are reset to the commit before the import so other measurements and
re-runs see the same books.
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench  # noqa: E402  (bench/bench.py: the registry)
from ledger.basics import periods  # noqa: E402

HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
          "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
          "手续费,费率,订单金额,申请退款金额,费率备注")
SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
C = Decimal("0.01")


def _q(x: Decimal) -> Decimal:
    return x.quantize(C, rounding=ROUND_HALF_UP)


def units_from_csv(path: Path) -> list[tuple[str, Decimal, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        f = line.split(",")
        if len(f) >= 4:
            out.append((f[0], Decimal(f[2]), f[3]))
    return out


def merchant_bill(units: list[tuple[str, Decimal, str]], rows: int, day: str, seed: int = 11) -> str:
    """A 交易账单 (ALL) for one day with `rows` detail rows (payments plus some partial refunds)."""
    rnd = random.Random(seed)
    ymd = day.replace("-", "")
    period = day[:7]
    lines = [HEADER]
    settle = refund = fee_total = order_total = Decimal("0.00")
    paid: list[tuple[str, str, str, Decimal, str, str]] = []
    n_pay = 0
    for i in range(rows):
        t = f"{day} {8 + i * 10 // rows:02d}:{(i * 7) % 60:02d}:{(i * 13) % 60:02d}"
        if paid and rnd.random() < 0.04:               # a partial refund of an earlier payment
            order, out_no, openid, amt, goods, attach = paid.pop(rnd.randrange(len(paid)))
            back = _q(amt * Decimal("0.5"))
            fee = -_q(back * Decimal("0.006"))
            rid = f"5030{ymd}{i:012d}"
            lines.append(",".join("`" + v for v in (
                t, "wx9a8b7c6d5e4f3a21", "1900012345", "0", "", order, out_no, openid, "JSAPI", "REFUND", "OTHERS",
                "CNY", "0.00", "0.00", rid, f"RF{ymd}{i:08d}", str(back), "0.00", "ORIGINAL", "SUCCESS", goods, attach,
                f"{fee:.5f}", "0.60%", "0.00", str(back), "")))
            refund += back
            fee_total += fee
            continue
        n_pay += 1
        uid, area, kind = units[rnd.randrange(len(units))]
        rate = Decimal("2.20") if kind == "residential" else Decimal("5.00")
        months = rnd.choice((1, 1, 1, 3, 12))
        amt = _q(area * rate) * months
        r = rnd.random()
        if r < 0.80:
            goods, attach = f"物业费-{uid}", f"unit={uid};item=物业服务费;period={period}"
        elif r < 0.95:
            goods, attach = f"物业费-{uid}", ""
        else:
            goods, attach = "物业费", ""            # no unit: the queue (unless the openid is known)
        order = f"4200{ymd}{i:014d}"
        out_no = f"WY{ymd}{i:09d}"
        openid = f"oBench_{rnd.randrange(10 ** 6):06d}"
        fee = _q(amt * Decimal("0.006"))
        lines.append(",".join("`" + v for v in (
            t, "wx9a8b7c6d5e4f3a21", "1900012345", "0", "", order, out_no, openid, "JSAPI", "SUCCESS", "OTHERS", "CNY",
            str(amt), "0.00", "0", "0", "0.00", "0.00", "", "", goods, attach, f"{fee:.5f}", "0.60%", str(amt),
            "0.00", "")))
        settle += amt
        order_total += amt
        fee_total += fee
        paid.append((order, out_no, openid, amt, goods, attach))
    lines.append(SUMMARY)
    lines.append(",".join("`" + v for v in (str(rows), str(settle), str(refund), "0.00", f"{fee_total:.5f}",
                                               str(order_total), str(refund))))
    return "\r\n".join(lines) + "\r\n"


def _bill_for(b) -> tuple[Path, str]:
    day = periods.end(b.last).isoformat()   # the last day of the last billed month
    units = units_from_csv(b.books / "units.csv")
    path = Path(tempfile.mkdtemp(prefix="wuye-bench-")) / f"wechat_merchant_{day}.csv"
    path.write_text(merchant_bill(units, 10_000, day), encoding="utf-8")
    return path, day


def _git(b, *args) -> str:
    return subprocess.run(["git", "-C", str(b.books), *args], capture_output=True, text=True, check=True).stdout.strip()


def m_import(b) -> None:
    path, day = _bill_for(b)
    head = _git(b, "rev-parse", "HEAD")
    env = {"WUYE_TODAY": day}

    def go() -> str:
        res = b.run(str(bench.BIN / "wuye"), "--books", str(b.books), "import", str(path), env=env)
        last = [ln for ln in res.stdout.splitlines() if ln.startswith("committed")]
        pays = [ln for ln in res.stdout.splitlines() if ln.startswith(("payments by unit", "queued", "other"))]
        return ("; ".join(pays) + " | " + (last[0][:60] if last else "no commit"))[:150]
    try:
        b.measure("import 10k merchant rows", go)
        b.measure("import again (all duplicates)",
                  lambda: b.run(str(bench.BIN / "wuye"), "--books", str(b.books), "import", str(path),
                                env=env).stdout.strip().splitlines()[-1][:60])
    finally:
        _git(b, "reset", "-q", "--hard", head)
        b.run(str(bench.BIN / "wuye"), "--books", str(b.books), "sync")


def register(measurement) -> None:
    """Wire into bench.py's registry: `import imports as _imports; _imports.register(measurement)`."""
    measurement("import", "`wuye import` of a generated 10,000-row WeChat merchant bill (cold process); "
                          "the books are reset afterwards")(m_import)


def profile(argv: list[str]) -> int:
    """cProfile of the import in this process (books from --dir, which must exist)."""
    import cProfile
    import os
    import pstats

    d = Path(argv[argv.index("--dir") + 1]).resolve()
    from ledger.books.folder import Books

    class B:
        books = d
        last = periods.parse_period(argv[argv.index("--last") + 1]) if "--last" in argv else "2026-12"
    path, day = _bill_for(B)
    os.environ["WUYE_TODAY"] = day
    from importers.booking import preview_import

    books = Books(d)
    prof = cProfile.Profile()
    prof.enable()
    plan = preview_import(books, [path])
    prof.disable()
    print(plan.counts())
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--profile" in args:
        args.remove("--profile")
        sys.exit(profile(args))
    register(bench.measurement)
    sys.exit(bench.main(args))
