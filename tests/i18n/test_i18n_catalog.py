"""The English catalog: it covers every msgid the code uses, the shipped .mo is the .po compiled, and the
TUI switches language through it."""
from __future__ import annotations

import io
import re
import string
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from ledger.basics.catalog import LOCALE_DIR, gettext
from tui import i18n

REPO = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "wuye.po"
MO = PO.with_suffix(".mo")


def _po():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _extracted() -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every marked string, extracted by Babel with the project's babel.cfg methods."""
    method_map = [("tui/i18n.py", "tui.i18n:extract_labels")] + [(f"{p}/**.py", "python")
                                                               for p in ("ledger", "tui", "cli", "fava_ext", "importers")]
    keywords = dict(DEFAULT_KEYWORDS, N_=None)
    out = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(REPO), method_map, keywords=keywords):
        if not any(part in _file for part in ("tests/", ".venv/")):
            out.add((context, message))
    return out


def test_en_catalog_covers_every_msgid_in_the_code():
    po = _po()
    extracted = _extracted()
    assert len(extracted) > 300  # the TUI labels and the error messages at least
    missing = [m for m in extracted if not (po.get(m[1], context=m[0]) and po.get(m[1], context=m[0]).string)]
    assert not missing, f"{len(missing)} msgids without an English translation: {sorted(missing)[:20]}"
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not fuzzy


def test_placeholders_are_the_same_in_both_languages():
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for m in _po():
        if m.id:
            assert fields(m.id) == fields(m.string), (m.context, m.id, m.string)


def test_shipped_mo_is_the_po_compiled():
    buf = io.BytesIO()
    write_mo(buf, _po())
    buf.seek(0)
    fresh = {(m.context, m.id): m.string for m in read_mo(buf) if m.id}
    with MO.open("rb") as f:
        shipped = {(m.context, m.id): m.string for m in read_mo(f) if m.id}
    assert shipped == fresh, "locale/en/LC_MESSAGES/wuye.mo is stale: run `make messages`"


def test_tui_switches_language_through_the_catalog():
    try:
        i18n.set_lang("en")
        assert i18n.t("app_title") == "Property-fee books"
        assert i18n.t("shown", n=3, total=7) == "3 of 7 units"
        assert i18n.t("credit_applied") == "Credit applied"  # same Chinese as kind_credit, its own context
        i18n.set_lang("zh")
        assert i18n.t("app_title") == "物业费账本" and i18n.t("shown", n=3, total=7) == "显示 3 / 7 户"
    finally:
        i18n.set_lang("zh")


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_report_headers_come_from_the_catalog(make_books, run_cli, monkeypatch, tmp_path):
    """Every table title and header of the reports the TUI shows in English (rates and aging, each grouping)
    has an English msgstr: the catalog holds them, not a hand-kept table in the TUI."""
    from ledger.books.folder import Books
    from ledger.reports import assemble
    from ledger.reports.rates import BY_CHOICES

    monkeypatch.setenv("WUYE_TODAY", "2026-03-20")
    root = make_books(tmp_path)
    for period in ("2026-01", "2026-02", "2026-03"):
        assert run_cli("bill", period, books=root).rc == 0
    books = Books(root)
    unit = sorted(books.units)[0]
    assert run_cli("pay", unit, "100", "--channel", "cash", "--date", "2026-03-02", "--by", "前台",
                   books=root).rc == 0
    books = Books(root)
    reports = [assemble.build(books, "rates", period="2026-Q1", by=by) for by in (None, *BY_CHOICES)]
    reports += [assemble.build(books, "arrears", by=by) for by in (None, *BY_CHOICES)]
    words = {w for rep in reports for t in rep.tables for w in (t.title, *t.headers) if CJK.search(w)}
    assert len(words) > 20
    untranslated = sorted(w for w in words if gettext(w, "en") == w)
    assert not untranslated, f"report words without an English msgstr: {untranslated}"
    try:
        i18n.set_lang("en")
        assert i18n.term("当期应收") == "Receivable" and i18n.term("3年以上") == "> 3 years"
        assert i18n.term("not a msgid") == "not a msgid"
    finally:
        i18n.set_lang("zh")
