"""The auditor's way in: `git clone` of the books, then `wuye fava` on the clone. The clone holds no
private file (owners.private.csv is git-ignored), and every page works without it, read-only."""
from __future__ import annotations

import subprocess

import pytest

from fava_helpers import served_client

PAGES = ("WuyeArrears", "WuyeRates", "WuyeDisclosure", "WuyeStandards", "WuyeOperations", "WuyeReports")


@pytest.fixture
def clone(fava_books, tmp_path):
    dest = tmp_path / "audit"
    subprocess.run(["git", "clone", "-q", str(fava_books), str(dest)], check=True)
    return dest


def test_clone_has_no_private_files(fava_books, clone):
    assert (fava_books / "owners.private.csv").exists()
    assert not (clone / "owners.private.csv").exists()
    assert not (clone / ".wuye").exists()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_on_the_clone(clone, page):
    from ledger.reports import assemble

    client, slug = served_client(clone / "main.beancount")
    assert client.get(f"/{slug}/api/errors").get_json()["data"] == []
    for query in ("", "?time=2026-Q1", "?filter=unit:%22%5E1-%22"):
        r = client.get(f"/{slug}/extension/{page}/{query}")
        html = r.data.decode()
        assert r.status_code == 200 and 'class="err"' not in html, (page, query, html[-2000:])
        for name in ("欧阳", "司马", "诸葛", "上官", "13912345678"):
            assert name not in html
    assert client.get(f"/{slug}/extension/{page}/export?format=xlsx").status_code == 200
    if page == "WuyeReports":
        for name in assemble.REPORTS:
            r = client.get(f"/{slug}/extension/WuyeReports/", query_string={"report": name, "unit": "1-101"})
            assert r.status_code == 200 and 'class="err"' not in r.data.decode(), name
    # read-only: nothing can be written, and serving changed nothing git tracks
    assert client.post(f"/{slug}/api/add_entries", json={}).status_code == 401
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_wuye_fava_serves_the_clone(clone):
    """The command itself on the clone (no owners.private.csv): the arrears page is served."""
    import os
    import sys
    import time
    import urllib.error

    import reports_scenario as scenario
    from test_security import ROOT, _free_port, _get

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--books", str(clone), "fava", "--port", str(port)],
                            cwd=ROOT, env=dict(os.environ, **scenario.ENV), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.time() < deadline and proc.poll() is None, "wuye fava did not start"
                time.sleep(0.3)
        slug = "%E6%B5%8B%E8%AF%95%E5%B0%8F%E5%8C%BA-%E7%89%A9%E4%B8%9A%E8%B4%B9%E8%B4%A6%E6%9C%AC"
        status, body = _get(f"http://127.0.0.1:{port}/{slug}/extension/WuyeArrears/")
        assert status == 200 and "欠费账龄 · 截至 2026-03-31" in body.decode()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
