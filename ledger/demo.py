"""The demo books: 翠湖苑 from config.yaml with billing history (and, as later issues land, payments)."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import periods
from .billrun import run_bill
from .books import Books
from .create import DEMO_CONFIG, init_books
from .units import Owner, load_units, save_owners

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "晓梅", "小红", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "涛"]


def demo_owners(units) -> dict[str, Owner]:
    """Invented owners for the private file, so screens have something to mask."""
    rnd = random.Random(42)
    out = {}
    for u in units.values():
        if u.owner_id:
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            out[u.owner_id] = Owner(u.owner_id, name, f"13{rnd.randint(0, 9)}{rnd.randint(10000000, 99999999)}")
    return out


def build_demo(target: str | Path, today: dt.date | None = None, progress=print) -> Path:
    today = today or dt.date.today()
    root = init_books(target, DEMO_CONFIG)
    books = Books(root)
    save_owners(root, demo_owners(load_units(root / books.config.units_file)))
    last = periods.period_of(today)
    plist = periods.span(periods.period_of(books.config.books_start), last)
    for year in sorted({p[:4] for p in plist}):
        chunk = [p for p in plist if p[:4] == year]
        plan, _ = run_bill(books, chunk)
        progress(f"billed {chunk[0]}..{chunk[-1]}: {plan.total} CNY")
    return root
