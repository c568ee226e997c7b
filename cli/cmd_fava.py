"""`wuye fava`: serve the books with Fava, read-only, on the loopback interface, with fava_ext."""
from __future__ import annotations

import ipaddress
import sys

from ledger.books import layout
from ledger.basics.errors import WuyeError

from .common import books_dir


def register(sub) -> None:
    p = sub.add_parser("fava", help="serve the books with Fava (read-only, 127.0.0.1) for auditors")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; Fava has no login, keep it on loopback)")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST[:PORT]",
                   help="also answer this exact Host header (the name an authenticating proxy sends); "
                        "every other Host is refused (DNS-rebinding protection)")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="serve one year: its month files opened by the balances carried forward (a load a "
                        "fraction of the full history's); without it, the full history")
    p.add_argument("--write-only", action="store_true", help="with --year: write the year's ledger, print its "
                                                              "path and exit (for bean-check or fava by hand)")
    p.set_defaults(func=cmd_fava)


def make_app(main_file: str, host: str = "127.0.0.1", port: int = 5000, poll_watcher: bool = False,
             allow_hosts=()):
    """The Fava WSGI app for one ledger, read-only: every non-GET request is answered 401, every
    request whose Host is not the address served 403 (fava_ext.guard)."""
    from fava.application import create_app

    from fava_ext import guard

    app = create_app([main_file], load=True, read_only=True, poll_watcher=poll_watcher)
    return guard.install(app, host, port, allow_hosts)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_fava(args) -> int:
    root = books_dir(args).resolve()
    main_file = root / layout.MAIN
    if not main_file.exists():
        raise WuyeError(f"{root}: no {layout.MAIN}; not a books folder")
    if args.year is not None:
        from ledger.books import yearview

        from .common import open_books

        books = open_books(args)
        if not 1990 <= args.year <= books.today().year + 1:
            raise WuyeError(f"--year {args.year}: not a year of these books")
        main_file = yearview.write(books, args.year)
        books.close()
        if args.write_only:
            print(main_file)
            return 0
    elif args.write_only:
        raise WuyeError("--write-only needs --year YYYY")
    host = "127.0.0.1" if args.host == "localhost" else args.host
    if not _loopback(host):
        print(f"wuye fava: warning: binding {host} exposes the books without a login; "
              "prefer 127.0.0.1 behind an authenticating proxy", file=sys.stderr)
    app = make_app(str(main_file), host, args.port, allow_hosts=args.allow_host)
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug), "")
    from cheroot.wsgi import Server

    server = Server((host, args.port), app)
    print(f"Fava (read-only) on http://{host}:{args.port}/{slug}/  — Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        server.start()
    except KeyboardInterrupt:
        server.stop()
    except OSError as exc:
        raise WuyeError("fava_cannot_serve", host=host, port=args.port, error=str(exc)) from None
    return 0
