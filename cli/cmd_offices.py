"""Commands of books shared by several offices: office, migrate-offices, remote, sync."""
from __future__ import annotations

import sys

from ledger.books import git as vcs, layout, offices, sync

from .common import open_books, print_json, say_commit


def register(sub) -> None:
    p = sub.add_parser("office", help="this clone's office (books shared by several offices)")
    os_ = p.add_subparsers(dest="office_cmd", required=True)
    ps = os_.add_parser("set", help="choose this clone's office (kept in .wuye/office, outside git)")
    ps.add_argument("code")
    ps.set_defaults(func=cmd_office_set)
    pg = os_.add_parser("show", help="print this clone's office")
    pg.set_defaults(func=cmd_office_show)

    p = sub.add_parser("migrate-offices", help="put the books in the per-office layout (idempotent, one commit)")
    p.add_argument("codes", nargs="*", help="the office codes, when config.yaml lists none yet (e.g. A B)")
    p.set_defaults(func=cmd_migrate)


    p = sub.add_parser("remote", help="the git remote the offices share")
    rs = p.add_subparsers(dest="remote_cmd", required=True)
    pa = rs.add_parser("add", help="set the books' remote (origin) to URL")
    pa.add_argument("url")
    pa.set_defaults(func=cmd_remote_add)

    p = sub.add_parser("sync", help="fetch, replay local commits on the remote's, check, push "
                                    "(without a remote: rebuild the derived cache)")
    p.add_argument("--status", action="store_true", help="ahead, behind, last sync, conflicts (no network)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--resolve", action="store_true", help="settle the conflicts the last sync stopped on")
    p.add_argument("--choice", choices=sync.CHOICES,
                   help="with --resolve: the answer for every conflict (else asked one by one)")
    p.add_argument("--reason", default="两个收费点重复收取同一期费用", help="with --resolve: the reason written")
    p.set_defaults(func=cmd_sync)


def cmd_remote_add(args) -> int:
    books = open_books(args)
    sync.add_remote(books.root, args.url)
    print(f"remote origin: {args.url}")
    return 0


def cmd_sync(args) -> int:
    books = open_books(args)
    if args.status:
        st = sync.status(books)
        if args.json:
            print_json(st)
        else:
            print(f"remote {st['remote'] or '-'}  office {st['office'] or '-'}  ahead {st['ahead']}  "
                  f"behind {st['behind']}  last sync {st['last_sync'] or 'never'}  conflicts {len(st['conflicts'])}")
            for c in st["conflicts"]:
                print(f"  {c['text']}")
        return 0
    if args.resolve:
        result = sync.resolve(books, lambda c: args.choice or _ask(c), args.reason)
        for line in result.resolved:
            print(line)
        print(result.summary)
        return 0
    if not vcs.remote_url(books.root, sync.REMOTE):
        books.cache.clear()
        books.cache.sync(layout.ledger_files(books.root))
        print("cache rebuilt (no remote: `wuye remote add URL` to share the books)")
        return 0
    result = sync.sync(books)
    if args.json:
        print_json({"pulled": result.pulled, "pushed": result.pushed, "replayed": result.replayed,
                    "head": result.head, "pull_only": result.pull_only})
    else:
        print(result.summary)
    return 0


def _ask(conflict) -> str | None:
    """One conflict, one question (wuye sync --resolve without --choice)."""
    print(conflict.text)
    if conflict.kind == "settled-twice":
        prompt = ("  c = keep both (this office's payment becomes the unit's credit), v = void this office's "
                  "receipt, s = stop: ")
        answers = {"c": "credit", "v": "void"}
    elif conflict.kind in ("file", "billed-twice"):
        prompt = ("  t = keep theirs (this office's change or billing run is left out; enter it again after, "
                  "or `wuye bill` again for what is left), s = stop: ")
        answers = {"t": "theirs"}
    else:
        print("  this one cannot be settled here: fix it by hand (see `wuye check`)")
        return None
    try:
        got = input(prompt).strip().lower()[:1]
    except EOFError:
        return None
    return answers.get(got)


def cmd_office_set(args) -> int:
    books = open_books(args)
    code = offices.set_office(books.root, books.config.offices, args.code)
    vcs.ensure_identity(books.root)  # a fresh clone may have no committer for this office's commits
    print(f"office {code}: this clone writes txns/YYYY/YYYY-MM.{code}.beancount and numbers its documents "
          f"in the {code} series (e.g. {books.config.receipt_prefix}-{code}{books.today().year}-000001)")
    missing = offices.missing_layout(books)
    if missing:
        print("the books are not in the per-office layout yet: run `wuye migrate-offices`", file=sys.stderr)
    return 0


def cmd_office_show(args) -> int:
    books = open_books(args)
    print(offices.current(books) or "-")
    return 0


def cmd_migrate(args) -> int:
    books = open_books(args)
    result = books.commit(offices.migration_operation(args.codes))
    if result is None:
        print("offices: the books are in the per-office layout already; nothing to do")
        return 0
    say_commit(result)
    return 0
