"""导入 (F8): pick statement exports (typed paths or the directory tree; several files), preview what the
import would book (payments by unit, duplicates, queued, skipped, each with its reason), confirm to write it
all in one commit; then the 待认领 queue: each unassigned item with the payer's remark and suggestions,
assigned through a previewed plan like a payment (Enter previews, Ctrl+S writes)."""
from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (Button, Checkbox, DataTable, DirectoryTree, Footer, Header, Input, Label, OptionList,
                             Static, TabbedContent, TabPane)
from textual.widgets.option_list import Option

from .. import core
from ..i18n import error_text, error_title, reason_text, t
from ..widgets.errorpanel import ErrorPanel
from ..widgets.effect import render_effect
from ..widgets.plan_form import SCROLL_BINDINGS, ConfirmButton, FormBox, PlanForm  # Enter on the confirm button must not write
from .base import WuyeModal, WuyeScreen


class ImportScreen(WuyeScreen):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "confirm_write", key_display="^s"),
        Binding("ctrl+x", "clear_files", "cancel", key_display="^x", priority=True),
        Binding("f9", "queue_tab", "queue", key_display="F9"),
    ]

    def __init__(self, start_dir: str | Path | None = None) -> None:
        super().__init__()
        self.files: list[str] = []
        self.plan = None
        self.plan_for: list[str] | None = None
        self.writing = False
        self.done: core.WriteDone | None = None
        self.items: list = []
        self.start_dir = Path(start_dir) if start_dir else Path.cwd()

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="imp-tabs", initial="tab-import"):
            with TabPane(t("import_files"), id="tab-import"):
                yield Static(t("import_hint"), classes="hint")
                with Horizontal(id="imp-bar"):
                    yield Input(id="imp-path", placeholder=t("import_path"))
                    yield Button(t("preview"), id="imp-preview-btn")
                    yield ConfirmButton(t("confirm_write"), id="imp-confirm-btn", variant="warning", disabled=True)
                yield ErrorPanel(id="imp-error")
                with Horizontal(id="imp-main"):
                    yield DirectoryTree(self.start_dir, id="imp-tree")
                    with Vertical(id="imp-right"):
                        yield Static(Text(t("import_none"), style="dim"), id="imp-picked")
                        with VerticalScroll(id="imp-out-box"):
                            yield Static("", id="imp-out")
            with TabPane(t("queue"), id="tab-queue"):
                yield Static("", id="q-count")
                yield DataTable(id="q-table", cursor_type="row", zebra_stripes=True)
            with TabPane(t("alias_tab"), id="tab-aliases"):
                yield Static(t("alias_tab_hint"), classes="hint")
                yield DataTable(id="alias-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        q = self.query_one("#q-table", DataTable)
        for key, width in (("q_id", 12), ("date", 10), ("amount", 12), ("channel", 7), ("payer", 10),
                           ("remark", 22), ("reason", 30), ("suggestions", 40)):
            q.add_column(Text(t(key), justify="right") if key == "amount" else t(key), key=key, width=width)
        al = self.query_one("#alias-table", DataTable)
        for key, width in (("alias_key", 22), ("alias_kind", 9), ("payer", 12), ("unit", 10), ("alias_learned", 10),
                           ("alias_source", 24)):
            al.add_column(t(key), key=key, width=width)
        self.query_one("#imp-picked").border_title = t("import_picked")
        self.query_one("#imp-path", Input).focus()

    def refresh_data(self) -> None:
        self.core("queue", core.queue_items)
        self.core("aliases", core.alias_rows)

    def done_aliases(self, rows: list) -> None:
        table = self.query_one("#alias-table", DataTable)
        table.clear()
        for a in rows:
            table.add_row(a.key, a.kind, a.display, a.unit, a.learned, a.source, key=a.key + "|" + a.unit)
        self.alias_list = rows

    @on(DataTable.RowSelected, "#alias-table")
    def _forget(self, event: DataTable.RowSelected) -> None:
        key, _, unit = str(event.row_key.value).partition("|")
        row = next((a for a in getattr(self, "alias_list", []) if a.key == key and a.unit == unit), None)
        if row is not None:
            self.app.push_screen(AliasForgetScreen(row), lambda _done: self.refresh_data())

    # --- files ------------------------------------------------------------------------------
    @on(Input.Submitted, "#imp-path")
    def _path(self, event: Input.Submitted) -> None:
        for p in core.split_paths(event.value):
            if p not in self.files:
                self.files.append(p)
        event.input.value = ""
        self.show_files()
        self.action_preview()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        p = str(event.path)
        if p not in self.files:
            self.files.append(p)
        self.show_files()
        self.action_preview()

    def show_files(self) -> None:
        box = self.query_one("#imp-picked", Static)
        if not self.files:
            box.update(Text(t("import_none"), style="dim"))
            return
        box.update(Text("\n".join(f"{i + 1}. {p}" for i, p in enumerate(self.files))))

    def action_clear_files(self) -> None:
        if self.writing:
            return
        self.files = []
        self.plan = self.plan_for = None
        self.query_one("#imp-confirm-btn", Button).disabled = True
        self.query_one("#imp-out", Static).update("")
        self.query_one(ErrorPanel).clear()
        self.show_files()

    # --- preview and write -----------------------------------------------------------------------
    @on(Button.Pressed, "#imp-preview-btn")
    def action_preview(self) -> None:
        if self.writing or not self.files:
            return
        self.query_one(ErrorPanel).clear()
        self.plan = None
        self.query_one("#imp-confirm-btn", Button).disabled = True
        self.query_one("#imp-out", Static).update(Text(t("loading"), style="dim"))
        files = list(self.files)
        self.core("preview", lambda books: (files, core.import_preview(books, files)))

    def done_preview(self, result) -> None:
        files, plan = result
        if files != self.files:
            return
        self.plan, self.plan_for = plan, files
        self.query_one("#imp-out", Static).update(Group(Text(t("preview_label"), style="bold reverse"),
                                                        render_plan(plan)))
        btn = self.query_one("#imp-confirm-btn", Button)
        btn.disabled = not plan.entries
        if plan.entries:
            btn.focus()

    def failed_preview(self, exc: BaseException) -> None:
        self.query_one("#imp-out", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    @on(Button.Pressed, "#imp-confirm-btn")
    def action_confirm(self) -> None:
        if self.writing:
            return
        if self.plan is None or self.plan_for != self.files or not self.plan.entries:
            self.notify(t("preview_first"), severity="warning")
            return
        self.writing = True
        self.query_one("#imp-confirm-btn", Button).disabled = True
        self.query_one("#imp-out", Static).update(t("writing"))
        self.core("run", core.import_run, list(self.plan_for), write=True)

    def done_run(self, result) -> None:
        self.writing = False
        plan, done = result
        self.done = done
        self.plan = None
        if done is None:
            self.query_one("#imp-out", Static).update(Group(Text(t("imp_nothing"), style="yellow"), render_plan(plan)))
            return
        self.query_one("#imp-out", Static).update(Group(
            Text(t("imp_done", sha=done.commit[:10]), style="bold green"), Text(done.message), render_plan(plan)))
        self.notify(t("imp_done", sha=done.commit[:10]) + "\n" + done.message.splitlines()[0], timeout=10)
        self.core("queue", core.queue_items)

    def failed_run(self, exc: BaseException) -> None:
        self.writing = False
        self.query_one("#imp-out", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc) + "\n" + t("books_unchanged"))

    # --- queue ------------------------------------------------------------------------------------
    def action_queue_tab(self) -> None:
        self.query_one(TabbedContent).active = "tab-queue"
        self.query_one("#q-table", DataTable).focus()

    def done_queue(self, items: list) -> None:
        self.items = items
        table = self.query_one("#q-table", DataTable)
        table.clear()
        for i in items:
            matches, amount_only = core.split_suggestions(i.suggestions)
            hint = "; ".join(s.split(" ", 1)[0] for s in matches[:4])
            if amount_only:  # never a unit here: an amount alone says nothing about whose money it is
                hint = (hint + "  " if hint else "") + t("q_amount_only_n", n=len(amount_only))
            table.add_row(i.id, i.date, money_cell(i), t(f"ch_{i.channel}") if i.channel else "", i.payer, i.remark,
                          reason_text(i.reason), hint, key=i.id)
        self.query_one("#q-count", Static).update(t("q_count", n=len(items)) if items else t("q_empty"))
        self.query_one(TabbedContent).get_tab("tab-queue").label = f"{t('queue')} ({len(items)})"

    @on(DataTable.RowSelected, "#q-table")
    def _assign(self, event: DataTable.RowSelected) -> None:
        qid = str(event.row_key.value)
        item = next((i for i in self.items if i.id == qid), None)
        if item is not None:
            self.app.push_screen(AssignScreen(item), lambda _done: self.refresh_data())


def render_plan(plan) -> Group:
    c = plan.counts()
    parts: list = []
    files = Table.grid(padding=(0, 2))
    for _ in range(4):
        files.add_column()
    for f in plan.files:
        files.add_row(Text(f.name, style="bold"), f.source, f"{f.rows}", Text(
            f"already imported (sha {f.sha[:12]})" if f.already_imported else f"sha {f.sha[:12]}",
            style="yellow" if f.already_imported else "dim"))
        for w in f.warnings:
            files.add_row("", Text(f"⚠ {w}", style="yellow"), "", "")
    parts.append(files)

    def section(key: str, n: int, style: str = "bold") -> Text:
        return Text(f"\n{t(key)}: {n}", style=style)

    parts.append(section("imp_payments", c["payment"], "bold green"))
    if plan.payments:
        pt = Table(show_edge=False, pad_edge=False)
        for key, right in (("unit", False), ("receipt", False), ("amount", True), ("channel", False),
                           ("date", False), ("reason", False)):
            pt.add_column(t(key), justify="right" if right else "left")
        for o in sorted(plan.payments, key=lambda o: (o.unit or "", o.date, o.receipt or "")):
            pt.add_row(o.unit or "", o.receipt or "", core.money(o.amount), o.channel, o.date, o.detail or reason_text(o.reason))
        parts.append(pt)
    parts.append(section("imp_duplicates", c["duplicate"], "bold yellow" if c["duplicate"] else "bold"))
    for o in plan.duplicates:
        parts.append(Text(f"  {o.file}:{o.row} {o.channel} {o.txn_id}  {core.money(o.amount)}  {reason_text(o.reason)}"))
    parts.append(section("imp_queued", c["queued"], "bold magenta" if c["queued"] else "bold"))
    for o in plan.queued:
        parts.append(Text(f"  {o.queue or ''}  {core.money(o.amount)} {o.direction} {o.channel} {o.date}  {reason_text(o.reason)}"))
        for s in o.suggestions[:3]:
            parts.append(Text(f"      → {reason_text(s)}", style="dim"))
    parts.append(section("imp_skipped", c["skipped"]))
    for o in plan.skipped:
        parts.append(Text(f"  {'! ' if o.flagged else ''}{o.file}:{o.row} {core.money(o.amount)} {o.date}  {reason_text(o.reason)}",
                          style="yellow" if o.flagged else ""))
    if plan.other:
        parts.append(section("imp_other", c["other"]))
        for o in plan.other:
            parts.append(Text(f"  {o.op:<12} {o.unit or ''} {core.money(o.amount)} {o.direction} {o.channel} {o.date}"
                              f"  {o.reason}"))
    if not plan.entries:
        parts.append(Text("\n" + t("imp_nothing"), style="yellow"))
    return Group(*parts)


def money_cell(item) -> Text:
    """Money in green; money out (a refund paid out) as a negative amount, marked 退款, in red."""
    if item.direction == "in":
        return Text(core.money(item.amount), justify="right", style="green")
    return Text(f"-{core.money(item.amount)} {t('q_out')}", justify="right", style="bold red")


class AssignScreen(PlanForm, WuyeModal):
    """One queue item: the payer's remark, why it was queued, the suggestions (amount-only ones apart and
    never picked); the assignment is previewed like a payment (unit, allocation, receipt, both dates, the
    alias it would learn, unticked) and written with Ctrl+S only. Enter previews."""

    BINDINGS = [Binding("escape", "close", "back"),
                Binding("ctrl+s", "confirm", "confirm_write", key_display="^s"), *SCROLL_BINDINGS]

    plan_preview_id = "#assign-preview"
    plan_confirm_id = "#assign-confirm-btn"

    def __init__(self, item) -> None:
        super().__init__()
        self.item = item
        self.matches, self.amount_only = core.split_suggestions(item.suggestions)
        self.done: core.AssignDone | None = None

    def compose(self) -> ComposeResult:
        i = self.item
        with FormBox(id="assign-box", classes="form-box") as box:
            box.border_title = f"{t('assign')} {i.id}"
            box.border_subtitle = t("assign_plan_hint")
            head = Table.grid(padding=(0, 2))
            for _ in range(4):
                head.add_column()
            head.add_row(Text(t("q_received"), style="dim"), i.date, Text(t("amount"), style="dim"), money_cell(i))
            head.add_row(Text(t("channel"), style="dim"), i.channel, Text(t("payer"), style="dim"), i.payer or "—")
            head.add_row(Text(t("remark"), style="dim"), Text(i.remark or "—", style="bold yellow"),
                         Text(t("reason"), style="dim"), reason_text(i.reason))
            yield Static(head, id="assign-head")
            if self.matches:
                # worded in the UI language; the pick reads the unit from the suggestion as stored
                yield OptionList(*[Option(reason_text(s), id=f"s{n}") for n, s in enumerate(self.matches)],
                                 id="assign-sugg")
            if self.amount_only:
                # listed apart, as text: nothing to pick, nothing focused, nothing preselected
                yield Static(Group(Text(t("q_amount_only"), style="bold yellow"),
                                   *[Text(f"  {reason_text(s)}", style="dim") for s in self.amount_only]), id="assign-amount-only")
            with Horizontal(classes="form-row"):
                yield Label(t("unit"), classes="form-label")
                yield Input(id="assign-unit", placeholder="3-1502")
                yield Label(t("designated"), classes="form-label")
                yield Input(id="assign-for", placeholder="PF:2026-10")
            with Horizontal(classes="form-row"):
                yield Checkbox(t("q_learn_alias"), False, id="assign-learn")
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="assign-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="assign-confirm-btn", variant="warning", disabled=True)
                yield Button(t("close"), id="assign-close-btn")
            yield ErrorPanel(id="assign-error")
            with Vertical(id="assign-out"):
                yield Static("", id="assign-preview")

    def on_mount(self) -> None:
        self.core("init", core.unit_ids)
        if self.matches:
            sugg = self.query_one("#assign-sugg", OptionList)
            sugg.highlighted = None  # nothing preselected: the person picks
            sugg.focus()
        else:
            self.query_one("#assign-unit", Input).focus()

    def done_init(self, ids) -> None:
        from textual.suggester import SuggestFromList

        self.query_one("#assign-unit", Input).suggester = SuggestFromList(ids, case_sensitive=False)

    # --- the shared preview -> confirm flow (tui/widgets/plan_form.py) ------------------------------
    def plan_values(self) -> core.AssignForm:
        v = lambda wid: self.query_one(wid, Input).value.strip()  # noqa: E731
        return core.AssignForm(self.item.id, v("#assign-unit").upper(), v("#assign-for"),
                               self.query_one("#assign-learn", Checkbox).value)

    def plan_calls(self):
        return core.assign_preview, core.assign_write, (self.plan_values(),)

    def plan_show_preview(self, e: core.AssignEffect):
        self.done = None
        parts = [Text.assemble((t("q_received") + " ", "dim"), (e.received, "bold"), "   ",
                               (t("q_assigned_on") + " ", "dim"), (e.date, "bold"))]
        if e.direction == "out":
            parts.append(Text(f"{t('q_out')}: -{core.money(e.amount)}", style="bold red"))
        parts.append(render_effect(e.effect, "allocation"))
        for x in e.would_learn:
            parts.append(Text(t("q_alias_learn" if e.learned else "q_alias_not_learned", alias=x),
                              style="yellow" if e.learned else "dim"))
        return Group(*parts)

    def plan_written(self, d: core.AssignDone) -> None:
        self.done = d
        msg = t("assigned", id=d.queue_id, unit=d.unit, receipt=d.receipt or "—")
        self.notify(msg + "  " + t("committed", sha=d.write.commit[:10]), timeout=10)

    def plan_show_done(self, d: core.AssignDone):
        parts = [Text(t("assigned", id=d.queue_id, unit=d.unit, receipt=d.receipt or "—"), style="bold green"),
                 Text(t("committed", sha=d.write.commit[:10]), style="green"),
                 Text.assemble((t("q_received") + " ", "dim"), d.received, "   ", (t("q_assigned_on") + " ", "dim"),
                               d.date)]
        if d.summary:
            parts.append(Text(d.summary))
        for x in d.learned:
            parts.append(Text(t("q_alias_learned", alias=x), style="dim"))
        return Group(*parts)

    @on(OptionList.OptionSelected, "#assign-sugg")
    def _suggestion(self, event: OptionList.OptionSelected) -> None:
        text = self.matches[int(event.option.id[1:])] if event.option.id else str(event.option.prompt)
        self.core("pick", lambda books: core.suggestion_unit(books, text))

    def done_pick(self, unit: str | None) -> None:
        box = self.query_one("#assign-unit", Input)
        if unit is None:
            self.query_one(ErrorPanel).show(t("err_InputError"), t("assign_plan_hint"))
            box.focus()
            return
        box.value = unit  # fills the form and previews; a write is still Ctrl+S
        box.focus()
        self.plan_preview()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.plan_invalidate()

    @on(Checkbox.Changed, "#assign-learn")
    def _learn(self) -> None:
        if self.query_one("#assign-unit", Input).value.strip():
            self.plan_preview()  # the preview says which alias it learns, so it follows the tick box

    @on(Input.Submitted)
    @on(Button.Pressed, "#assign-preview-btn")
    def action_preview(self) -> None:
        self.plan_preview()

    @on(Button.Pressed, "#assign-confirm-btn")
    def action_confirm(self) -> None:
        self.plan_confirm()

    @on(Button.Pressed, "#assign-close-btn")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.done)


class AliasForgetScreen(PlanForm, WuyeModal):
    """Forget one learned payer alias: previewed, a reason, Ctrl+S writes one logged commit."""

    BINDINGS = [Binding("escape", "close", "back"),
                Binding("ctrl+s", "confirm", "confirm_write", key_display="^s")]

    plan_preview_id = "#forget-preview"
    plan_confirm_id = "#forget-confirm-btn"

    def __init__(self, row) -> None:
        super().__init__()
        self.row = row
        self.done = None

    def compose(self) -> ComposeResult:
        a = self.row
        with Vertical(id="forget-box", classes="form-box") as box:
            box.border_title = t("alias_forget")
            box.border_subtitle = t("pay_hint")
            yield Static(Text.assemble((t("alias_key") + " ", "dim"), (a.key, "bold"), "   ",
                                       (f"{a.kind} {a.display} -> {a.unit}", "bold yellow"), "   ",
                                       (t("alias_learned") + " ", "dim"), a.learned, "  ", a.source), id="forget-head")
            with Horizontal(classes="form-row"):
                yield Label(t("reason"), classes="form-label")
                yield Input(id="forget-reason")
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="forget-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="forget-confirm-btn", variant="warning", disabled=True)
                yield Button(t("close"), id="forget-close-btn")
            yield ErrorPanel(id="forget-error")
            yield Static("", id="forget-preview")

    def on_mount(self) -> None:
        self.query_one("#forget-reason", Input).focus()

    def plan_values(self) -> core.ForgetForm:
        return core.ForgetForm(self.row.key, self.query_one("#forget-reason", Input).value.strip())

    def plan_calls(self):
        return core.alias_forget_preview, core.alias_forget_write, (self.plan_values(),)

    def plan_show_preview(self, labels: list[str]):
        return Group(*[Text(t("alias_will_forget", alias=x), style="bold yellow") for x in labels])

    def plan_written(self, done) -> None:
        self.done = done
        self.notify(t("committed", sha=done.commit[:10]) + "  " + done.message.splitlines()[0])

    def plan_show_done(self, done):
        return Group(Text(t("committed", sha=done.commit[:10]), style="bold green"), Text(done.message))

    @on(Input.Changed)
    def _changed(self) -> None:
        self.plan_invalidate()

    @on(Input.Submitted)
    @on(Button.Pressed, "#forget-preview-btn")
    def action_preview(self) -> None:
        self.plan_preview()

    @on(Button.Pressed, "#forget-confirm-btn")
    def action_confirm(self) -> None:
        self.plan_confirm()

    @on(Button.Pressed, "#forget-close-btn")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.done)
