"""Helpers for the ledger tests (imported by name: pytest puts this folder on sys.path)."""
from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from ledger.books import layout

GOLDEN = Path(__file__).parent / "golden"
MARK = ";;; ==> "
HDR = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n"
PF_ONLY = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
fees:
  PF:
    name: 物业服务费
    basis: area
    rates:
      - {from: 2024-01-01, residential: "2.20", commercial: "5.00"}
      - {from: 2026-07-01, residential: "2.40", commercial: "5.00"}
"""


def git(books: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=check).stdout


def snapshot(books: Path) -> dict[str, bytes]:
    """Every file of the books folder by bytes (git's own folder and the derived .wuye state aside)."""
    out = {}
    for p in sorted(Path(books).rglob("*")):
        rel = p.relative_to(books)
        if p.is_file() and rel.parts[0] not in (".git", ".wuye"):
            out[str(rel)] = p.read_bytes()
    return out


def txns_files(books: Path) -> dict[str, bytes]:
    return {rel: (Path(books) / rel).read_bytes() for rel in layout.ledger_files(books)
            if rel.startswith(layout.TXNS + "/")}


def ledger_snapshot(books: Path, baseline: dict[str, bytes] | None = None) -> str:
    """The month files of the books as one text, each after a `;;; ==> path` line; with a baseline
    (the files right after `wuye init`), only the files the operations created or changed."""
    out = []
    for rel, data in txns_files(books).items():
        if baseline is None or baseline.get(rel) != data:
            out.append(MARK + rel + "\n" + data.decode("utf-8"))
    return "".join(out)


def run_ops(scenario: Path, books: Path, run_cli) -> list:
    """Run ops.txt: one `<expected rc> <wuye args>` a line; lines starting with # are comments."""
    results = []
    for n, line in enumerate((scenario / "ops.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rc, *args = shlex.split(line)
        res = run_cli(*args, books=books)
        assert res.rc == int(rc), f"{scenario.name} ops.txt:{n} `wuye {' '.join(args)}` -> rc {res.rc}\n{res.err}"
        results.append(res)
    return results


def build(name: str, tmp_path: Path, make_books, run_cli):
    """Books for golden scenario `name`, with its operations run; returns (books, [CliResult], baseline)
    where baseline holds the month files as `wuye init` left them."""
    sc = GOLDEN / name
    books = make_books(tmp_path, (sc / "config.yaml").read_text(encoding="utf-8"),
                       (sc / "units.csv").read_text(encoding="utf-8"))
    baseline = txns_files(books)
    return books, run_ops(sc, books, run_cli), baseline
