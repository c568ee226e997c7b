"""Books shared by several offices: which office this clone is, where it writes, its number series.

config.yaml lists the offices (`offices: [A, B]`); each clone chooses its own with `wuye office set A`,
kept in `.wuye/office` (git-ignored: the choice belongs to the clone, not to the books). An office
writes only files that carry its code (layout.office_file) and numbers in its own series (SJ-A2026-...),
so two offices recording the same day never touch the same lines nor issue the same number.
Books without `offices:` are single-office books and are not changed in any way.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ledger.basics.errors import BooksStateError, InputError
from ledger.books import entries as beans, files as store, layout

OFFICE_FILE = "office"  # in .wuye/


def chosen(root: Path) -> str | None:
    """The office this clone chose (`wuye office set`), None if it chose none."""
    try:
        code = (Path(root) / layout.STATE / OFFICE_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return code or None


def set_office(root: Path, offices: tuple[str, ...], code: str) -> str:
    code = code.strip().upper()
    if not offices:
        raise InputError("offices_none")
    if code not in offices:
        raise InputError("office_unknown", office=code, choices=", ".join(offices))
    store.write_atomic(Path(root) / layout.STATE / OFFICE_FILE, (code + "\n").encode("utf-8"))
    return code


def current(books) -> str | None:
    """This clone's office in a multi-office books, None in single-office books or when none is chosen."""
    if not books.config.offices:
        return None
    code = chosen(books.root)
    return code if code in books.config.offices else None


def office_of_root(root: Path) -> str | None:
    """The office whose series a number allocator on these books continues (None: the plain series).
    Read from disk, as the allocator is given only the cache; cheap enough per plan."""
    from ledger.community.config import load_config

    code = chosen(root)
    if code is None:
        return None
    offices = load_config(Path(root) / layout.CONFIG).offices
    return code if code in offices else None


def missing_layout(books) -> list[str]:
    """What a multi-office books lacks of the per-office layout (`wuye migrate-offices` adds it)."""
    root = books.root
    out = []
    main = (root / layout.MAIN).read_text(encoding="utf-8")
    if layout.OFFICE_ACCOUNTS_INCLUDE not in main.splitlines():
        out.append(layout.MAIN)
    for code in books.config.offices:
        if not (root / f"accounts.{code}.beancount").exists():
            out.append(f"accounts.{code}.beancount")
    return out


def require(books) -> str | None:
    """The office a write is made by: None for single-office books; refused when a multi-office books has
    no office chosen here or is not in the per-office layout yet."""
    if not books.config.offices:
        return None
    code = current(books)
    if code is None:
        raise BooksStateError("office_not_set", offices=", ".join(books.config.offices),
                              example=books.config.offices[0])
    if missing_layout(books):
        raise BooksStateError("offices_not_migrated")
    return code


def place(plan, office: str | None):
    """The plan with its appends moved to the office's own files (the shared ones are never appended to
    in multi-office books). Replaced files (config.yaml, units.csv) stay where they are."""
    if office is None or not plan.appends:
        return plan
    appends: dict[str, str] = {}
    for rel, text in plan.appends.items():
        target = layout.office_file(rel, office)
        appends[target] = appends[target] + text if target in appends else text
    return replace(plan, appends=appends)


def migration_operation(codes: list[str] | None = None):
    """The plan that puts books in the per-office layout: config.yaml lists the offices (added when `codes`
    are given and it lists none), main.beancount includes the offices' accounts files, and each office
    gets its (empty) accounts file, so the include always matches. Existing month files stay as they are
    (shared history; nobody appends to them any more). Empty when the books are migrated already."""
    from ledger.books.plan import Plan
    from ledger.community.config import parse_config

    def operation(books):
        root = books.root
        replaces, appends = {}, {}
        have = list(books.config.offices)
        wanted = [c.strip().upper() for c in codes or [] if c.strip()]
        if wanted and have and wanted != have:
            raise InputError("offices_differ", offices=", ".join(have))
        if wanted and not have:
            text = (root / layout.CONFIG).read_text(encoding="utf-8")
            text = text + ("" if text.endswith("\n") else "\n") + (
                "\n# offices sharing these books (wuye migrate-offices); each clone chooses its own: wuye office set CODE\n"
                f"offices: [{', '.join(wanted)}]\n")
            from ruamel.yaml import YAML

            parse_config(YAML(typ="safe").load(text), layout.CONFIG)  # a bad code is refused before anything
            replaces[layout.CONFIG] = text
            have = wanted
        if not have:
            raise InputError("offices_none")
        main = (root / layout.MAIN).read_text(encoding="utf-8")
        if layout.OFFICE_ACCOUNTS_INCLUDE not in main.splitlines():
            lines = main.splitlines()
            at = next((i + 1 for i, ln in enumerate(lines) if ln.strip() == f'include "{layout.ACCOUNTS}"'),
                      len(lines))
            lines.insert(at, layout.OFFICE_ACCOUNTS_INCLUDE)
            replaces[layout.MAIN] = "\n".join(lines) + "\n"
        for code in have:
            rel = f"accounts.{code}.beancount"
            if not (root / rel).exists():
                appends[rel] = beans.comment(f"accounts opened by office {code} (wuye: one file per office)")
        if not replaces and not appends:
            return Plan("", {}, {}, None)
        made = sorted(appends)
        msg = (f"offices: per-office layout for {', '.join(have)}\n\n"
               + (f"config.yaml lists the offices {', '.join(have)}\n" if layout.CONFIG in replaces else "")
               + (f"main.beancount includes {layout.OFFICE_ACCOUNTS_INCLUDE[8:]}\n" if layout.MAIN in replaces else "")
               + "".join(f"new {rel}\n" for rel in made)
               + "Each office appends to its own month files (txns/YYYY/YYYY-MM.<office>.beancount) and numbers "
                 "its documents in its own series.\n")
        return Plan(msg, appends, replaces, {"files": made, "replaced": sorted(replaces)})

    operation.migrates_layout = True  # the writer lets this one plan run before the layout exists
    return operation
