"""The unit register (units.csv) and the private owners file (names, phones; git-ignored, 0600)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ledger.basics.errors import InputError, UnitsError
from ledger.basics.parse import normalise_unit_id

COLUMNS = ("unit", "building", "area_m2", "type", "handover_date", "parking_spaces", "owner_id")
OWNERS_FILE = "owners.private.csv"
OWNER_COLUMNS = ("owner_id", "name", "phone")
UNIT_RE = re.compile(r"^[0-9A-Za-z]{1,4}(-[0-9A-Za-z]{1,4}){1,2}$")
# Column names offices use in their own sheets, mapped to ours.
ALIASES = {
    "房号": "unit", "房屋编号": "unit", "楼栋": "building", "栋": "building", "建筑面积": "area_m2",
    "面积": "area_m2", "类型": "type", "交付日期": "handover_date", "交房日期": "handover_date",
    "车位数": "parking_spaces", "业主编号": "owner_id", "业主": "name", "业主姓名": "name", "姓名": "name",
    "电话": "phone", "手机": "phone", "联系电话": "phone", "owner_name": "name", "owner_phone": "phone",
}
TYPE_ALIASES = {"住宅": "residential", "商铺": "commercial", "商业": "commercial"}


@dataclass(frozen=True)
class Unit:
    unit: str
    building: str
    area: Decimal
    type: str
    handover: dt.date | None
    parking: int
    owner_id: str

    @classmethod
    def from_row(cls, r: dict[str, str]) -> "Unit":
        """A unit from `row()` of a checked unit (no checks again: see Books._load_units)."""
        return cls(r["unit"], r["building"], Decimal(r["area_m2"]), r["type"],
                   dt.date.fromisoformat(r["handover_date"]) if r["handover_date"] else None,
                   int(r["parking_spaces"]), r["owner_id"])

    def row(self) -> dict[str, str]:
        return {"unit": self.unit, "building": self.building, "area_m2": f"{self.area:.2f}", "type": self.type,
                "handover_date": self.handover.isoformat() if self.handover else "",
                "parking_spaces": str(self.parking), "owner_id": self.owner_id}


@dataclass(frozen=True)
class Owner:
    owner_id: str
    name: str
    phone: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def parse_unit_row(row: dict[str, str], path: str, lineno: int) -> Unit:
    def col(name: str) -> str:
        return _norm(row.get(name, ""))

    try:
        uid = normalise_unit_id(row.get("unit", ""), "unit")
    except InputError as exc:
        raise UnitsError(path, lineno, "unit", exc.message) from None
    if not UNIT_RE.match(uid):
        raise UnitsError(path, lineno, "unit", f"'{uid}' is not a unit id like 3-1502 or 2-1-0601")
    building = col("building") or uid.split("-")[0]
    try:
        area = Decimal(col("area_m2"))
    except InvalidOperation:
        raise UnitsError(path, lineno, "area_m2", f"'{col('area_m2')}' is not a number") from None
    if not area.is_finite() or area <= 0:
        raise UnitsError(path, lineno, "area_m2", f"area {col('area_m2')} must be positive")
    if area != area.quantize(Decimal("0.01")):
        raise UnitsError(path, lineno, "area_m2", f"area {area} has more than two decimals")
    utype = TYPE_ALIASES.get(col("type"), col("type"))
    if utype not in ("residential", "commercial"):
        raise UnitsError(path, lineno, "type", f"unknown type '{col('type')}' (residential|commercial)")
    handover = None
    if col("handover_date"):
        try:
            handover = dt.date.fromisoformat(col("handover_date").replace("/", "-"))
        except ValueError:
            raise UnitsError(path, lineno, "handover_date", f"'{col('handover_date')}' is not a date YYYY-MM-DD") from None
    spaces = col("parking_spaces") or "0"
    if not spaces.isdigit():
        raise UnitsError(path, lineno, "parking_spaces", f"'{spaces}' is not a whole number >= 0")
    owner = col("owner_id")
    # building and owner id go into the unit's open directives as meta: checked where ledger text is made
    from ledger.books.entries import check_text

    for column, value in (("building", building), ("owner_id", owner)):
        try:
            if value:
                check_text(value, column, 32)
        except InputError as exc:
            raise UnitsError(path, lineno, column, exc.message) from None
    return Unit(uid, building, area.quantize(Decimal("0.01")), utype, handover, int(spaces), owner)


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX sheet as (line number, {our column: value}); header names mapped via ALIASES."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only needed for office sheets

        ws = load_workbook(path, read_only=True, data_only=True).active
        rows = [["" if c is None else (c.date().isoformat() if isinstance(c, dt.datetime) else str(c)) for c in r]
                for r in ws.iter_rows(values_only=True)]
    else:
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnitsError(str(path), None, None, "file is neither UTF-8 nor GB18030 text")
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnitsError(str(path), None, None, "file is empty")
    header = [ALIASES.get(_norm(h), _norm(h)) for h in rows[0]]
    missing = [c for c in ("unit", "area_m2", "type") if c not in header]
    if missing:
        raise UnitsError(str(path), 1, None, f"missing columns: {', '.join(missing)}")
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(_norm(c) for c in r):
            continue
        out.append((i, {h: (r[j] if j < len(r) else "") for j, h in enumerate(header)}))
    return out


def load_units(path: str | Path) -> dict[str, Unit]:
    path = Path(path)
    if not path.exists():
        raise UnitsError(str(path), None, None, "file not found")
    units: dict[str, Unit] = {}
    for lineno, row in read_table(path):
        u = parse_unit_row(row, str(path), lineno)
        if u.unit in units:
            raise UnitsError(str(path), lineno, "unit", f"duplicate unit '{u.unit}'")
        units[u.unit] = u
    return units


def units_csv_text(units: dict[str, Unit]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for u in sorted(units.values(), key=lambda x: unit_sort_key(x.unit)):
        w.writerow(u.row())
    return buf.getvalue()


def unit_sort_key(uid: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in uid.split("-"))


# --- private owners file -------------------------------------------------------------------

def load_owners(books: Path) -> dict[str, Owner]:
    path = Path(books) / OWNERS_FILE
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["owner_id"]: Owner(r["owner_id"], r.get("name", ""), r.get("phone", ""))
                for r in csv.DictReader(fh) if r.get("owner_id")}


def save_owners(books: Path, owners: dict[str, Owner]) -> None:
    """Write the private file with mode 0600 from the start (never world-readable, even briefly)."""
    path = Path(books) / OWNERS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(OWNER_COLUMNS)
        for o in sorted(owners.values(), key=lambda o: o.owner_id):
            w.writerow([o.owner_id, o.name, o.phone])
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧阳**; Latin names keep the first letter."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "****" if digits else ""
