"""What an import did, row by row and file by file (the summary the CLI and the TUI show)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics.money import fmt


def money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class Outcome:
    """What happened to one statement row."""
    file: str
    row: int
    source: str
    channel: str
    txn_id: str
    date: str
    direction: str
    amount: Decimal
    kind: str                         # the parser's kind
    result: str                       # payment | duplicate | queued | skipped | other
    unit: str | None = None
    receipt: str | None = None
    queue: str | None = None
    op: str = ""
    reason: str = ""
    suggestions: list[str] = field(default_factory=list)
    flagged: bool = False
    detail: str = ""

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass
class FileReport:
    name: str
    path: str
    source: str
    sha: str
    rows: int
    dropped_in_file: int
    already_imported: bool = False
    warnings: list[str] = field(default_factory=list)
    checks: list[tuple[str, str, str, bool]] = field(default_factory=list)
    net: Decimal | None = None
    booked_net: Decimal | None = None   # merchant: what the booked rows moved on the clearing account

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        for k in ("net", "booked_net"):
            d[k] = None if d[k] is None else money(d[k])
        return d


@dataclass
class ImportPlan:
    files: list[FileReport] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    entries: list = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)   # Open directives added to accounts.beancount
    aliases: list[str] = field(default_factory=list)    # 'nickname 清* -> 3-1502'
    account_text: dict[str, str] = field(default_factory=dict)

    # --- views -----------------------------------------------------------------------------
    def by(self, result: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == result]

    @property
    def payments(self) -> list[Outcome]:
        return self.by("payment")

    @property
    def duplicates(self) -> list[Outcome]:
        return self.by("duplicate")

    @property
    def queued(self) -> list[Outcome]:
        return self.by("queued")

    @property
    def skipped(self) -> list[Outcome]:
        return self.by("skipped")

    @property
    def other(self) -> list[Outcome]:
        return self.by("other")

    def counts(self) -> dict[str, int]:
        c = {k: len(self.by(k)) for k in ("payment", "duplicate", "queued", "skipped", "other")}
        c["already_imported"] = sum(1 for o in self.duplicates if o.reason.startswith("already"))
        c["repeated_in_batch"] = c["duplicate"] - c["already_imported"]
        c["dropped_in_files"] = sum(f.dropped_in_file for f in self.files)
        c["entries"] = len(self.entries)
        return c

    def message(self) -> str:
        c = self.counts()
        head = (f"import {len(self.files)} file(s): {c['payment']} payments, {c['queued']} queued, "
                f"{c['other']} other, {c['skipped']} skipped, {c['duplicate']} duplicates")
        lines = [head, ""]
        for f in self.files:
            lines.append(f"{f.name} {f.source} sha256 {f.sha}" + (" (already imported)" if f.already_imported else ""))
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return {"files": [f.as_dict() for f in self.files], "counts": self.counts(),
                "payments": [o.as_dict() for o in self.payments], "duplicates": [o.as_dict() for o in self.duplicates],
                "queued": [o.as_dict() for o in self.queued], "skipped": [o.as_dict() for o in self.skipped],
                "other": [o.as_dict() for o in self.other], "accounts_opened": self.accounts,
                "aliases_learned": self.aliases}

    def render_text(self) -> str:
        c = self.counts()
        out = ["files:"]
        for f in self.files:
            extra = f", {f.dropped_in_file} exact duplicate row(s) dropped in the file" if f.dropped_in_file else ""
            out.append(f"  {f.name}  {f.source}  sha {f.sha[:12]}  {f.rows} rows{extra}"
                       + (f"  — already imported (sha {f.sha[:12]})" if f.already_imported else ""))
            if f.net is not None:
                ok = "ok" if f.booked_net is None or f.booked_net == f.net else f"MISMATCH: booked rows give {fmt(f.booked_net)}"
                out.append(f"    merchant day total 应结 - 退款 - 手续费 = {fmt(f.net)} ({ok}); settles to the bank via Assets:Transit")
            for w in f.warnings:
                out.append(f"    warning: {w}")
        out.append(f"payments by unit: {c['payment']}")
        for o in sorted(self.payments, key=lambda o: (o.unit or "", o.date, o.receipt or "")):
            out.append(f"  {o.unit:<10} {o.receipt}  {fmt(o.amount):>12}  {o.channel} {o.date}  {o.detail}")
        out.append(f"duplicates: {c['duplicate']} ({c['already_imported']} already imported, "
                   f"{c['repeated_in_batch']} repeated in the batch; {c['dropped_in_files']} exact copies dropped inside files)")
        if c["already_imported"]:
            out.append(f"  {c['already_imported']} already imported")
        for o in self.duplicates:
            out.append(f"  {o.file}:{o.row} {o.channel} {o.txn_id}  {fmt(o.amount)}  {o.reason}")
        out.append(f"queued (待认领): {c['queued']}")
        for o in self.queued:
            out.append(f"  {o.queue}  {fmt(o.amount):>12} {o.direction} {o.channel} {o.date}  {o.reason}")
            for s in o.suggestions:
                out.append(f"      suggestion: {s}")
        out.append(f"skipped: {c['skipped']}")
        for o in self.skipped:
            out.append(f"  {'! ' if o.flagged else ''}{o.file}:{o.row} {fmt(o.amount)} {o.date}  {o.reason}")
        out.append(f"other bookings: {c['other']}")
        for o in self.other:
            who = f" {o.unit}" if o.unit else ""
            out.append(f"  {o.op:<12}{who} {fmt(o.amount):>12} {o.direction} {o.channel} {o.date}  {o.reason}")
        if self.aliases:
            out.append("aliases learned: " + "; ".join(self.aliases))
        if self.accounts:
            out.append("accounts opened: " + ", ".join(self.accounts))
        if not self.entries:
            out.append("nothing new to import" + (f": {c['already_imported']} already imported" if c["already_imported"] else ""))
        return "\n".join(out) + "\n"


