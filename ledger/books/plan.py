"""What one write does, decided from the books' current state before anything is touched.

An operation is a pure function `Books -> Plan`. `Books.commit(operation)` calls it under the books lock
on the state it has just re-read, so the plan (allocation, receipt number, text) is always made on the
books it is written to. The plan names only what to add: the file text itself is built by the writer
from the bytes it read under the lock.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ledger.basics.errors import WuyeError
from ledger.books import entries as beans, layout


@dataclass(frozen=True)
class Plan:
    message: str  # the commit message
    appends: Mapping[str, str] = field(default_factory=dict)  # file -> text appended to it
    replaces: Mapping[str, str] = field(default_factory=dict)  # file -> its whole new text (config.yaml, units.csv)
    effect: Any = None  # what a person previews and is told (a PaymentPlan, a BillPlan, an entry ...)
    tag: str | None = None  # a git tag the commit gets (close/2026-11)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.appends) | set(self.replaces)))

    @property
    def empty(self) -> bool:
        return not any(self.appends.values()) and not self.replaces


Operation = Callable[[Any], Plan]


def appending(entries: list, message: str, effect: Any = None) -> Plan:
    """A plan that appends each entry to the month file of its date."""
    by_file: dict[str, list] = defaultdict(list)
    for e in entries:
        by_file[layout.month_file(e.date)].append(e)
    return Plan(message, {f: beans.render(es) for f, es in sorted(by_file.items())}, {}, effect)


def appended_text(old: str, added: str) -> str:
    """`old` with `added` after one blank line, as every month file is laid out."""
    sep = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    return old + sep + added


class PlanChanged(WuyeError):
    """Re-planned under the lock, the write would do something other than what was previewed."""

    title = "账本已变化"

    def __init__(self, plan: Plan, shown: Any):
        self.plan, self.shown = plan, shown
        super().__init__("the books changed since the preview; the write now would be different: "
                         f"{plan.message.splitlines()[0] if plan.message else '(nothing)'}; check it and confirm again")
