"""The `wuye` command. With no command it opens the terminal UI on the books."""
from __future__ import annotations

import argparse
import sys

from ledger.basics.errors import WuyeError

from . import cmd_books, cmd_cashbook, cmd_collect, cmd_fava, cmd_import, cmd_money, cmd_offices, cmd_reports


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wuye", description="物业费账本 — property-fee books on Beancount + git")
    p.add_argument("--books", help="books folder (default: $WUYE_BOOKS)")
    p.add_argument("--lang", choices=("zh", "en"), default=None, help="UI language")
    sub = p.add_subparsers(dest="command")
    for module in (cmd_books, cmd_money, cmd_cashbook, cmd_reports, cmd_collect, cmd_import, cmd_fava, cmd_offices):
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if not args.command:
            from tui.app import run_app  # the UI is only imported when it is asked for

            return run_app(args)
        return int(args.func(args) or 0)
    except WuyeError as exc:
        # English unless --lang says otherwise (scripts and logs have always read English)
        print(f"wuye: {exc.text(args.lang or 'en')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
