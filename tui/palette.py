"""The command palette (Ctrl+P): every command by its Chinese title, its pinyin initials (a hand-kept
table: no pinyin library for two dozen words) or its English title, and units by number in any spelling
the forms accept (4-103, 4栋103, S01)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from . import core, i18n
from .i18n import t

# label key -> pinyin initials of its Chinese words (and of the everyday words for it: 缴费 for 收款)
PINYIN: dict[str, tuple[str, ...]] = {
    "dashboard": ("gl",), "units": ("fw",), "pay": ("sk", "jf", "sf"), "billing": ("kz",),
    "history": ("czjl",), "reports": ("bb",), "import": ("dr",), "queue": ("drl",), "help": ("bz", "kjj"),
    "reload": ("cxdq",), "switch_lang": ("qhyy",), "op_switch": ("qhczy",), "sync": ("tb",),
    "rep_rates": ("sjl",), "rep_arrears": ("qfzl",), "rep_disclosure": ("gs",), "rep_targets": ("sfymb",),
    "rep_limitation": ("sssx",),
    "adj_waive": ("jm",), "adj_compensate": ("bc",), "adj_refund": ("tk",), "adj_void": ("zfsj", "zf"),
    "adj_writeoff": ("hzhx", "hx"), "adj_latefees": ("jtwyj", "wyj"),
}


@dataclass
class Command:
    key: str                 # the label key (its title in both languages comes from the catalog)
    help_key: str
    run: Callable
    keys: str = ""           # the shortcut shown after the title

    def title(self, lang: str | None = None) -> str:
        saved = i18n.lang()
        if lang:
            i18n.set_lang(lang)
        try:
            prefix = f"{t('reports')}: " if self.key.startswith("rep_") else ""
            return prefix + t(self.key) + (f" ({self.keys})" if self.keys else "")
        finally:
            i18n.set_lang(saved)


def commands(app) -> list[Command]:
    out = []
    if app.books is not None:
        out += [Command("dashboard", "cmd_help_dashboard", lambda: app.action_goto("dashboard"), "F2"),
                Command("units", "cmd_help_units", lambda: app.action_goto("units"), "F3"),
                Command("pay", "cmd_help_pay", app.action_pay, "F4"),
                Command("billing", "cmd_help_billing", lambda: app.action_goto("billing"), "F5"),
                Command("history", "cmd_help_history", lambda: app.action_goto("history"), "F6"),
                Command("reports", "cmd_help_reports", lambda: app.action_goto("reports"), "F7"),
                Command("import", "cmd_help_import", lambda: app.action_goto("import"), "F8"),
                Command("queue", "cmd_help_import", app.action_queue, "F9")]
        for kind in ("rates", "arrears", "disclosure", "targets", "limitation"):
            out.append(Command(f"rep_{kind}", "cmd_help_reports", lambda kind=kind: app.action_report(kind)))
        from .screens.adjust import KINDS

        for kind in KINDS:
            out.append(Command(f"adj_{kind}", f"adj_{kind}_help", lambda kind=kind: app.action_adjust(kind)))
        out += [Command("op_switch", "cmd_help_operator", app.action_operator),
                Command("reload", "cmd_help_reload", app.action_reload, "Ctrl+R"),
                Command("sync", "cmd_help_sync", app.action_sync, "Ctrl+Y")]
    out += [Command("help", "cmd_help_help", app.action_help, "F1"),
            Command("switch_lang", "cmd_help_lang", app.action_toggle_lang, "Ctrl+L")]
    return out


def _score(query: str, words: list[str]) -> float:
    """1 for a word that starts with the query, 0.8 for one that holds it, 0.5 for its letters in order."""
    best = 0.0
    for w in words:
        w = w.lower()
        if w.startswith(query):
            best = max(best, 1.0)
        elif query in w:
            best = max(best, 0.8)
        else:
            it = iter(w)
            if len(query) > 1 and all(c in it for c in query):
                best = max(best, 0.5)
    return best


class DeskCommands(Provider):
    async def discover(self) -> Hits:
        for c in commands(self.app):
            yield DiscoveryHit(c.title(), c.run, help=t(c.help_key))

    async def search(self, query: str) -> Hits:
        q = query.strip().lower()
        if not q:
            return
        matcher = self.matcher(query)
        for c in commands(self.app):
            title = c.title()
            score = max(matcher.match(title), _score(q, [c.title("zh"), c.title("en"), *PINYIN.get(c.key, ())]))
            if score > 0:
                yield Hit(score, matcher.highlight(title), c.run, text=title, help=t(c.help_key))
        books = self.app.books
        if books is None:
            return
        for n, unit in enumerate(await asyncio.to_thread(core.find_units, books, query)):
            label = f"{t('unit')} {unit}"
            yield Hit(0.9 - n * 0.01, label, lambda unit=unit: self.app.action_show_unit(unit), text=label,
                      help=t("cmd_help_unit"))
