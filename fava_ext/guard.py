"""What `wuye fava` adds to Fava's Flask app before it serves: the Host check and inert query downloads.

- Host check (DNS-rebinding protection): a page on evil.example whose name is made to resolve to
  127.0.0.1 can make the browser send requests to our port, but its requests carry `Host: evil.example`.
  Only the address served (127.0.0.1:PORT, localhost:PORT, the --host given) is answered; any other
  Host gets 403 before Fava looks at the request.
- Fava's own query download (download-query/query_result.csv) prints ledger strings as they are; texts
  are neutralised at input (ledger.basics.parse.neutral_text), and books written before that rule are
  neutralised here, cell by cell, with the same function. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import re

from flask import Flask, Response, abort, request

from ledger.basics.parse import neutral_text

# A number cell as beanquery prints it ("-120.00", "-120.00 CNY", "1,234"): left as a number.
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?( [A-Z][A-Z0-9'._-]*)?$")


def allowed_hosts(host: str, port: int, extra=()) -> set[str]:
    """The Host header values of the address served: the bound address and the loopback names, and the
    exact values an authenticating proxy in front sends (`--allow-host`)."""
    names = {host, "127.0.0.1", "localhost"}
    if host in ("::1", "[::1]"):
        names |= {"[::1]"}
    out = set()
    for n in names:
        n = f"[{n}]" if ":" in n and not n.startswith("[") else n
        out.add(f"{n}:{port}".lower())
        if port == 80:
            out.add(n.lower())
    return out | {h.strip().lower() for h in extra if h.strip()}


def inert_cell(cell: str) -> str:
    return cell if _NUMBER.match(cell) else neutral_text(cell)


def inert_csv(data: bytes) -> bytes:
    """A CSV with every text cell made formula-neutral (the same rule as our own exports)."""
    text = data.decode("utf-8-sig")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n")
    for row in csv.reader(io.StringIO(text)):
        w.writerow([inert_cell(c) for c in row])
    return out.getvalue().encode("utf-8")


def install(app: Flask, host: str, port: int, extra_hosts=()) -> Flask:
    hosts = allowed_hosts(host, port, extra_hosts)

    def check_host():
        if request.host.lower() not in hosts:
            abort(403, description="Host not served (DNS-rebinding protection); use "
                                   f"http://127.0.0.1:{port}/")

    # First of all handlers: a foreign Host is refused before Fava loads or filters anything.
    app.before_request_funcs.setdefault(None, []).insert(0, check_host)

    @app.after_request
    def inert_downloads(resp: Response) -> Response:
        if request.endpoint == "download_query" and request.path.endswith(".csv") and resp.status_code == 200:
            resp.direct_passthrough = False
            resp.set_data(inert_csv(resp.get_data()))
        return resp

    return app
