"""Creating a books folder and keeping its unit register and accounts in step."""
from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from ledger.basics import accounts as acc
from ledger.books import entries as beans, layout, files as store, git as vcs, verified
from ledger.community.config import Config, load_config, units_path
from ledger.basics.errors import UnitsError, WuyeError, ValidationError
from ledger.community.units import Owner, Unit, load_owners, parse_unit_row, read_table, save_owners, units_csv_text

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"  # the repository root


def base_accounts(cfg: Config) -> list[str]:
    names = {acc.DEVELOPER, acc.SUSPENSE, acc.LATE_FEES, acc.WAIVERS, acc.COMPENSATION, acc.BAD_DEBT,
             acc.PREPAY_DISCOUNT, acc.CHANNEL_FEES, acc.DEPOSITS, acc.MAINTENANCE_FUND, acc.OTHER_INCOME,
             acc.INTEREST, acc.OPENING, "Expenses:Office", "Liabilities:Payable:Other",
             acc.TRANSIT, acc.DEVELOPER_CREDIT}
    names |= set(cfg.channel_accounts.values())
    names |= {"Assets:Bank:CMB", "Assets:Bank:ICBC", "Assets:Bank:CCB", "Assets:Clearing:WeChat", "Assets:Clearing:Alipay"}
    for item in cfg.fees.values():
        names.add(acc.income(item.code, cfg.regime, item.pass_through))
    names |= {acc.expense(c, cfg.regime) for c in cfg.expense_categories}
    if cfg.remuneration is not None:
        names |= {acc.REMUNERATION_FUND, acc.REMUNERATION}
    return sorted(names)


def missing_opens(books, names) -> dict[str, str]:
    """Open directives for accounts the books do not have yet (books created before the account was
    added to base_accounts): {accounts.beancount: text to append} or {}."""
    from ledger.books import facts

    missing = sorted(set(names) - facts.open_accounts(books.cache))
    if not missing:
        return {}
    return {layout.ACCOUNTS: beans.render([beans.open_(books.config.books_start, a) for a in missing])}


def unit_opens(cfg: Config, unit: Unit) -> list:
    meta = {"unit": unit.unit, "building": unit.building, "owner": unit.owner_id or None}
    return [beans.open_(cfg.books_start, acc.receivable(unit.unit), meta),
            beans.open_(cfg.books_start, acc.credit(unit.unit), meta)]


def accounts_text(cfg: Config, units: dict[str, Unit]) -> str:
    head = "; Accounts. One receivable and one credit (prepaid) account per unit.\n\n"
    entries = [beans.open_(cfg.books_start, a) for a in base_accounts(cfg)]
    for u in sorted(units.values(), key=lambda u: u.unit):
        entries += unit_opens(cfg, u)
    return head + beans.render(entries)


def init_books(target: str | Path, config: str | Path | None = None, units: str | Path | None = None) -> Path:
    """Create a books folder with its first commit. Refuses a folder that already holds files.

    The result is loaded with beancount before the first commit; on any failure everything written
    (files, .git, folders created on the way) is removed again."""
    from ledger.books.writer import validate
    from ledger.community.privacy import commit_author, operator

    root = Path(target).resolve()
    if root.exists() and any(root.iterdir()):
        raise WuyeError(f"{root}: folder is not empty")
    src_cfg = Path(config) if config else DEMO_CONFIG
    cfg = load_config(src_cfg)
    src_units = Path(units) if units else src_cfg.parent / cfg.units_file
    parsed, owners = read_units_file(src_units)
    if os.environ.get("WUYE_USER"):  # becomes the books' git user.name: an operator id, like every author
        operator(cfg, None, "WUYE_USER")
    author = commit_author(cfg, os.environ.get("WUYE_AUTHOR"))
    main_text = layout.main_text(f"{cfg.name} 物业费账本", cfg.books_start)
    # the topmost folder this call creates: rollback removes it, and nothing above it was ours
    made = next((p for p in reversed([root, *root.parents]) if not p.exists()), None)
    root.mkdir(parents=True, exist_ok=True)
    try:
        units_file = units_path(root, cfg)
        shutil.copyfile(src_cfg, root / layout.CONFIG)
        store.write_atomic(units_file, units_csv_text(parsed).encode())
        if owners:
            save_owners(root, owners)
        store.write_atomic(root / ".gitignore", layout.GITIGNORE.encode())
        store.write_atomic(root / layout.MAIN, main_text.encode())
        store.write_atomic(root / layout.ACCOUNTS, accounts_text(cfg, parsed).encode())
        # beancount treats an include glob that matches nothing as an error: start with the first month file
        first = layout.month_file(cfg.books_start)
        store.write_atomic(root / first, f"; {cfg.name} {cfg.books_start:%Y-%m}\n".encode())
        problems, _ = validate(root, [first])
        if problems:
            raise ValidationError(problems)
        vcs.init(root)
        # the first verified state (ledger/books/verified.py): what later commits are compared with
        vpaths = []
        for vpath, vtext in verified.update(root, {}):
            (root / vpath).parent.mkdir(parents=True, exist_ok=True)
            store.write_atomic(root / vpath, vtext.encode())
            vpaths.append(vpath)
        vcs.commit(root, [".gitignore", layout.CONFIG, cfg.units_file, layout.MAIN, layout.ACCOUNTS, first, *vpaths],
                   f"init {cfg.name}: {len(parsed)} units, {len(cfg.fees)} fee items", author)
    except BaseException:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        else:  # the user's own (empty) folder: empty it again, keep it
            for child in root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise
    return root


def read_units_file(path: str | Path) -> tuple[dict[str, Unit], dict[str, Owner]]:
    """Units and (private) owners from an office sheet; names and phones never reach units.csv."""
    path = Path(path)
    units: dict[str, Unit] = {}
    owners: dict[str, Owner] = {}
    for lineno, row in read_table(path):
        u = parse_unit_row(row, str(path), lineno)
        if u.unit in units:
            raise UnitsError(str(path), lineno, "unit", f"duplicate unit '{u.unit}'")
        name, phone = (row.get("name") or "").strip(), (row.get("phone") or "").strip()
        if (name or phone) and not u.owner_id:
            u = Unit(u.unit, u.building, u.area, u.type, u.handover, u.parking, f"O-{u.unit}")
        if name or phone:
            owners[u.owner_id] = Owner(u.owner_id, name, phone)
        units[u.unit] = u
    return units, owners


def import_units(books, path: str | Path):
    """Add or update units from a CSV/XLSX sheet; returns (diff text, WriteResult | None)."""
    from ledger.books.plan import Plan

    new_units, new_owners = read_units_file(path)
    if new_owners:
        owners = load_owners(books.root)
        owners.update(new_owners)
        save_owners(books.root, owners)

    def operation(b) -> Plan:
        merged = dict(b.units)
        merged.update(new_units)
        old_text = b.text(b.config.units_file)
        new_text = units_csv_text(merged)
        diff = "".join(difflib.unified_diff(old_text.splitlines(True), new_text.splitlines(True),
                                            b.config.units_file, b.config.units_file))
        if not diff:
            return Plan("", {}, {}, "")
        added = sorted(set(new_units) - set(b.units))
        opens = []
        for uid in added:
            opens += unit_opens(b.config, merged[uid])
        changed = sorted(u for u in set(new_units) & set(b.units) if new_units[u] != b.units[u])
        msg = f"units import: {len(added)} added, {len(changed)} updated\n\n"
        msg += "".join(f"added {u}\n" for u in added) + "".join(f"updated {u}\n" for u in changed)
        return Plan(msg, {layout.ACCOUNTS: beans.render(opens)} if opens else {}, {b.config.units_file: new_text}, diff)

    result = books.commit(operation)
    return (result.plan.effect, result) if result else ("", None)
