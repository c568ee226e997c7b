"""The Fava extension through Flask's test client: the same figures as the CLI, links, read-only."""
from __future__ import annotations

import re

import pytest

import reports_scenario as scenario

PAGES = ("WuyeArrears", "WuyeRates", "WuyeDisclosure", "WuyeStandards", "WuyeOperations")


def text_of(html: str) -> str:
    i = html.index('<div class="wuye">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[i:html.index("</div>", i)]))


def test_ledger_loads_with_extension(fava_client):
    client, slug, _ = fava_client
    errors = client.get(f"/{slug}/api/errors").get_json()
    assert errors["data"] == [], errors
    html = client.get(f"/{slug}/income_statement/").data.decode()
    for page in PAGES:
        assert f'"{page}"' in html  # the sidebar (rendered client-side from the page's JSON) lists it
    ledger = client.application.config["LEDGERS"].ledgers_by_slug[slug]
    assert ledger.fava_options.language == "zh_CN"
    assert all(ledger.extensions.get_extension(p) is not None for p in PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_pages_render(fava_client, page):
    client, slug, _ = fava_client
    r = client.get(f"/{slug}/extension/{page}/?time=2026-Q1")
    assert r.status_code == 200, r.data[:500]
    assert '<div class="wuye">' in r.data.decode()


def test_rates_page_shows_the_cli_figures(fava_client):
    """Hand-computed in tests/reports/test_rates.py: 910/1750 = 52.00 %, 1/5 = 20.00 %, 640/1200 = 53.33 %,
    1550/2950 = 52.54 %; the data endpoint is byte-identical to `wuye report rates --format json`."""
    client, slug, books = fava_client
    html = client.get(f"/{slug}/extension/WuyeRates/?time=2026-Q1").data.decode()
    t = text_of(html)
    for row in ("当期收缴率 910.00 1,750.00 52.00%", "户数收缴率 1 5 20.00%", "清欠率 640.00 1,200.00 53.33%",
                "综合收缴率 1,550.00 2,950.00 52.54%"):
        assert row in t, row
    assert "<svg" in html and "2026-02 当期收缴率 56.36%" in html  # the monthly chart
    cli = scenario.wuye(books, "report", "rates", "--period", "2026-Q1", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeRates/data?time=2026-Q1").data.decode() == cli
    # the period from ?period= when there is no time filter, grouping via ?by=
    cli = scenario.wuye(books, "report", "rates", "--period", "2026-02", "--by", "building", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeRates/data?period=2026-02&by=building").data.decode() == cli
    # default: the as-of month (WUYE_TODAY = 2026-03-31), as the CLI does
    cli = scenario.wuye(books, "report", "rates", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeRates/data").data.decode() == cli


def test_arrears_page_links_and_legal_risk(fava_client):
    client, slug, books = fava_client
    html = client.get(f"/{slug}/extension/WuyeArrears/").data.decode()
    links = set(re.findall(r'href="[^"]*/account/(Assets:Receivable:[^"/]+)/', html))
    assert links == {"Assets:Receivable:Unit:1-102", "Assets:Receivable:Unit:2-101",
                     "Assets:Receivable:Unit:2-102", "Assets:Receivable:Developer"}
    row = re.search(r'<tr class="risk">\s*<td><a [^>]*>2-102</a>', html)
    assert row, "the unit with a charge older than 3 years is marked"
    t = text_of(html)
    assert "4 960.00 480.00 360.00 0.00 0.00 0.00 0.00 120.00" in t
    cli = scenario.wuye(books, "report", "arrears", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeArrears/data").data.decode() == cli
    # a time filter sets the cut-off to the end of the range
    cli = scenario.wuye(books, "report", "arrears", "--as-of", "2026-01-31", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeArrears/data?time=2026-01").data.decode() == cli
    # the account journal the link points to exists
    assert client.get(f"/{slug}/account/Assets:Receivable:Unit:2-102/").status_code == 200


def test_disclosure_page_is_the_cli_report(fava_client):
    client, slug, books = fava_client
    cli = scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeDisclosure/data?time=2026-Q1").data.decode() == cli
    cli_html = scenario.wuye(books, "report", "disclosure", "--period", "2026-Q1", "--format", "html")
    got = client.get(f"/{slug}/extension/WuyeDisclosure/html?period=2026-Q1").data.decode()
    assert got + "" == cli_html
    t = text_of(client.get(f"/{slug}/extension/WuyeDisclosure/?time=2026-Q1").data.decode())
    assert "欠费户数" in t and "1-102" not in t


def test_operations_and_standards(fava_client):
    client, slug, books = fava_client
    t = text_of(client.get(f"/{slug}/extension/WuyeOperations/").data.decode())
    assert "Test Clerk" in t and "write-off 2-102" in t and "void SJ2026-000005" in t
    t = text_of(client.get(f"/{slug}/extension/WuyeStandards/").data.decode())
    assert "PF 物业服务费 unit 2022-01-01 all 100.00 ✔" in t


@pytest.mark.parametrize("method,path", [
    ("post", "/extension/WuyeRates/data"), ("put", "/api/source"), ("delete", "/api/document"),
    ("post", "/api/add_entries"), ("put", "/api/source_slice"), ("post", "/api/upload_import_file"),
])
def test_read_only(fava_client, method, path):
    client, slug, _ = fava_client
    r = getattr(client, method)(f"/{slug}{path}", json={})
    assert r.status_code == 401


def test_books_reopened_after_a_change(fava_client):
    """The extension caches Books per ledger mtime / HEAD; a new commit shows on the next request."""
    client, slug, books = fava_client
    before = client.get(f"/{slug}/extension/WuyeRates/data?time=2026-Q1").get_json()
    scenario.wuye(books, "pay", "2-102", "120.00", "--channel", "cash", "--date", "2026-03-31")
    import time
    deadline = time.time() + 10
    while True:
        after = client.get(f"/{slug}/extension/WuyeRates/data?time=2026-Q1").get_json()
        if after != before or time.time() > deadline:
            break
        time.sleep(0.2)
    assert after != before  # 2-102's payment settles 2022-11 first: 清欠额 +120
    assert after == __import__("json").loads(
        scenario.wuye(books, "report", "rates", "--period", "2026-Q1", "--format", "json"))
