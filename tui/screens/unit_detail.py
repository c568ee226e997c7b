"""房屋明细: the unit's statement lines, receipts, credit and (masked) owner; actions start from here."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from .. import core
from ..i18n import t
from .base import WuyeScreen

LINE_COLS = ["period", "item", "billed", "paid", "waived", "compensated", "written_off", "open", "status"]
STATUS_STYLE = {"open": "bold red", "partly_paid": "yellow", "paid": "green", "waived": "cyan",
                "compensated": "cyan", "written_off": "magenta"}


class UnitDetailScreen(WuyeScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("p", "act('pay')", "pay"),
        Binding("w", "act('waive')", "adj_waive"),
        Binding("c", "act('compensate')", "adj_compensate"),
        Binding("f", "act('refund')", "adj_refund"),
        Binding("x", "act('writeoff')", "adj_writeoff"),
        Binding("o", "act('void')", "adj_void"),
        Binding("v", "reveal", "reveal"),
        Binding("l", "collect('contact')", "log_contact"),
        Binding("d", "collect('dispute')", "open_dispute"),
        Binding("e", "collect('close')", "close_dispute"),
        Binding("g", "collect('stage')", "set_stage"),
        Binding("n", "collect('notice')", "issue_notice"),
        Binding("t", "statement", "print_statement"),
    ]

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit
        self.revealed = False
        self.detail: core.UnitDetail | None = None
        self.collection: core.CollectionInfo | None = None
        self.statement_path: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("loading"), id="ud-info")
        yield Static("", id="ud-collect")
        table = DataTable(id="ud-lines", cursor_type="row", zebra_stripes=True)
        table.border_title = t("statement")
        yield table
        with Horizontal(id="ud-bottom"):
            contacts = DataTable(id="ud-contacts", cursor_type="row")
            contacts.border_title = t("contacts")
            yield contacts
            receipts = DataTable(id="ud-receipts", cursor_type="row")
            receipts.border_title = t("receipts")
            yield receipts
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{t('unit_detail')} {self.unit}"
        lines = self.query_one("#ud-lines", DataTable)
        for key in LINE_COLS:
            right = key not in ("period", "item", "status")
            width = {"period": 8, "item": 16, "status": 10}.get(key, 12)
            lines.add_column(Text(t(key), justify="right") if right else t(key), key=key, width=width)
        rec = self.query_one("#ud-receipts", DataTable)
        for key, width in (("date", 10), ("receipt", 14), ("channel", 8), ("reference", 12), ("amount", 11),
                           ("status", 6)):
            rec.add_column(Text(t(key), justify="right") if key == "amount" else t(key), key=key, width=width)
        con = self.query_one("#ud-contacts", DataTable)
        for key, width in (("date", 10), ("channel", 8), ("outcome", 24), ("promise", 14), ("by", 6)):
            con.add_column(t(key), key=key, width=width)

    def refresh_data(self) -> None:
        self.core("detail", core.unit_detail, self.unit, reveal=self.revealed)
        self.core("collect", core.collection_info, self.unit)

    def done_collect(self, c: core.CollectionInfo) -> None:
        self.collection = c
        info = Text()
        info.append(f"{t('stage')} ", style="dim")
        info.append(c.stage or t("no_stage"), style="bold yellow" if c.stage else "dim")
        if c.stage_since:
            info.append(f" ({c.stage_since})", style="dim")
        for d in c.disputes:
            info.append("   ")
            if d["open"]:
                info.append(f"⚑ {d['id']} {t('cat_' + d['category'])} ", style="bold red")
                info.append(t("open_since", d=d["opened"]) + f" · {d['note']}", style="red")
            else:
                info.append(f"{d['id']} {t('cat_' + d['category'])} {t('closed_on', d=d['closed'])}", style="dim")
        info.append("\n")
        info.append(f"{t('payers')} ", style="dim")
        info.append(", ".join(t(p) if p in ("owner",) else p for p in c.payers) or "—")
        info.append(f"   {t('aliases')} ", style="dim")
        info.append(", ".join(c.aliases) or "—")
        if c.notices:
            info.append(f"   {t('notices_issued')} ", style="dim")
            info.append(", ".join(f"{doc} ({d})" for d, doc in c.notices[-3:]))
        self.query_one("#ud-collect", Static).update(info)
        con = self.query_one("#ud-contacts", DataTable)
        con.clear()
        for x in c.contacts:  # newest first
            promise = ""
            if x.promise_date:
                status = c.promises.get((x.date, x.lineno), "")
                promise = f"{x.promise_date}" + (f" {t('p_' + status)}" if status else "")
            mark = "⚖ " if x.interrupts else ""
            con.add_row(str(x.date), t(f"cc_{x.channel}"), Text(mark + x.outcome, style="yellow" if mark else ""),
                        Text(promise, style="bold red" if promise.endswith(t("p_broken")) else ""),
                        x.by)
        if not c.contacts:
            con.add_row("", "", Text(t("none"), style="dim"), "", "")

    def done_detail(self, d: core.UnitDetail) -> None:
        self.detail = d
        info = Table.grid(padding=(0, 2))
        for _ in range(6):
            info.add_column()
        utype = t(d.type)
        info.add_row(Text(d.unit, style="bold reverse"), f"{t('building')} {d.building}",
                     f"{t('area')} {d.area:,.2f}", utype, f"{t('handover')} {d.handover or '—'}",
                     f"{t('parking')} {d.parking}")
        owner_style = "bold yellow" if d.revealed else ""
        info.add_row(Text(t("outstanding"), style="dim"), Text(core.money(d.outstanding), style="bold red"),
                     Text(t("credit"), style="dim"), Text(core.money(d.credit), style="bold green"),
                     f"{t('collector')} {d.collector or '—'}", "")
        info.add_row(Text(t("owner"), style="dim"), Text(d.owner_name or "—", style=owner_style),
                     Text(t("phone"), style="dim"), Text(d.owner_phone or "—", style=owner_style),
                     Text("[v] " + t("reveal"), style="dim"), "")
        self.query_one("#ud-info", Static).update(info)
        table = self.query_one("#ud-lines", DataTable)
        table.clear()
        first_open = None
        for i, ln in enumerate(d.lines):
            if first_open is None and ln.open > 0:
                first_open = i
            amounts = [Text(core.money(v, blank_zero=True), justify="right")
                       for v in (ln.billed, ln.paid, ln.waived, ln.compensated, ln.written_off)]
            table.add_row(ln.period, f"{ln.item} {ln.item_name}", *amounts,
                          Text(core.money(ln.open, blank_zero=True), justify="right",
                               style="bold red" if ln.open > 0 else ""),
                          Text(t(f"st_{ln.status}"), style=STATUS_STYLE.get(ln.status, "")),
                          key=f"{ln.item}:{ln.period}")
        if not d.lines:
            table.add_row(t("no_lines"), *[""] * (len(LINE_COLS) - 1))
        elif first_open is not None:
            table.move_cursor(row=first_open, animate=False)
        rec = self.query_one("#ud-receipts", DataTable)
        rec.clear()
        for r in reversed(d.receipts):  # newest first: the cursor starts on the latest receipt
            status = t("st_voided") if r["voided"] else t(f"op_{r['op']}")
            rec.add_row(r["date"], r["receipt"], t(f"ch_{r['channel']}") if r["channel"] else "", r["ref"],
                        Text(core.money(r["amount"]), justify="right"),
                        Text(status, style="red" if r["voided"] else ""), key=f"{r['receipt']}:{r['op']}:{r['date']}")

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        if self.revealed:
            self.notify(t("revealed"), timeout=3)
        self.refresh_data()

    def action_act(self, kind: str) -> None:
        if kind == "pay":
            self.app.action_pay(self.unit)
            return
        extra = {}
        if kind == "void":
            extra["receipt"] = self.selected_receipt()
        if kind == "writeoff":
            extra["periods"] = self.selected_period()
        if kind == "waive":
            key = self.selected_line()
            if key:
                extra["item"], extra["period"] = key
                if self.detail:
                    for ln in self.detail.lines:
                        if (ln.item, ln.period) == key and ln.open > 0:
                            extra["amount"] = f"{ln.open:.2f}"
        self.app.push_screen(_adjust(kind, self.unit, extra))

    def selected_line(self) -> tuple[str, str] | None:
        table = self.query_one("#ud-lines", DataTable)
        if not self.detail or not self.detail.lines or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        item, _, period = str(key).partition(":")
        return item, period

    def selected_period(self) -> str | None:
        key = self.selected_line()
        return key[1] if key else None

    def selected_receipt(self) -> str | None:
        rec = self.query_one("#ud-receipts", DataTable)
        if rec.row_count == 0:
            return None
        key = rec.coordinate_to_cell_key((rec.cursor_row, 0)).row_key.value
        return str(key).split(":")[0]

    def current_unit(self) -> str:
        return self.unit

    def action_collect(self, kind: str) -> None:
        from .collect import CollectScreen

        self.app.push_screen(CollectScreen(kind, self.unit))

    def action_statement(self) -> None:
        self.core("statement", core.statement_html_file, self.unit)

    def done_statement(self, path: str) -> None:
        self.statement_path = path
        self.notify(t("statement_saved", path=path), timeout=10)

    @on(DataTable.RowSelected, "#ud-receipts")
    def _receipt(self, event: DataTable.RowSelected) -> None:
        from .payment import ReceiptScreen

        self.app.push_screen(ReceiptScreen(str(event.row_key.value).split(":")[0]))


def _adjust(kind: str, unit: str, extra: dict):
    from .adjust import AdjustScreen

    return AdjustScreen(kind, unit, **extra)
