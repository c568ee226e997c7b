"""Every linked figure on the extension pages is the sum of the postings its link shows (followed through
Fava itself: the account journal's filtered entries, or Fava's query API); the pages honour Fava's time
filter, account filter and filter with one as-of date; each page exports the CLI's bytes."""
from __future__ import annotations

import html as htmllib
import re
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import reports_scenario as scenario

CELL = re.compile(r'<td class="n[^"]*"><a href="([^"]+)">([-\d,]+\.\d\d)</a></td>')
BARE = re.compile(r'<td class="n[^"]*">([-\d,]+\.\d\d)</td>')


def wuye_part(html: str) -> str:
    """Our page's markup: from our div to Fava's own data scripts after it."""
    i = html.index('<div class="wuye">')
    return html[i:html.index('<script type="application/json" id="page-title"', i)]


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def follow(client, slug: str, url: str) -> Decimal:
    """The sum of the postings the link shows, as Fava computes it for that URL."""
    url = htmllib.unescape(url)
    assert client.get(url).status_code == 200, url
    parts = urlsplit(url)
    args = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    path = unquote(parts.path)
    if "/account/" in path:
        from fava.core import FilteredLedger

        name = path.split("/account/", 1)[1].rstrip("/")
        ledger = client.application.config["LEDGERS"].ledgers_by_slug[slug]
        flt = FilteredLedger(ledger, account=args.get("account") or None, filter=args.get("filter") or None,
                             time=args.get("time") or None)
        return sum((p.units.number for e in flt.entries for p in getattr(e, "postings", ())
                    if p.account == name or p.account.startswith(name + ":")), Decimal(0))
    assert path.endswith("/query/"), url
    r = client.get(f"/{slug}/api/query", query_string=args)
    assert r.status_code == 200, r.data[:300]
    rows = r.get_json()["data"]["rows"]
    return sum((Decimal(str(row[7]["units"]["number"])) for row in rows), Decimal(0))


def linked_figures(client, slug, page_url):
    html = client.get(page_url).data.decode()
    part = wuye_part(html)
    return part, CELL.findall(part)


def check_links(client, slug, page_url, minimum: int) -> int:
    part, cells = linked_figures(client, slug, page_url)
    assert len(cells) >= minimum, (page_url, len(cells))
    seen: dict[str, Decimal] = {}
    for url, text in cells:
        if url not in seen:
            seen[url] = follow(client, slug, url)
        # a receivable figure is the postings' sum; collected, credit and reductions are minus it
        assert abs(seen[url]) == abs(money(text)), (text, seen[url], htmllib.unescape(url))
    return len(cells)


def test_every_arrears_figure_links_to_its_postings(fava_client):
    client, slug, _ = fava_client
    n = check_links(client, slug, f"/{slug}/extension/WuyeArrears/", 20)
    part = wuye_part(client.get(f"/{slug}/extension/WuyeArrears/").data.decode())
    unlinked = [v for v in BARE.findall(part) if money(v) != 0]
    assert unlinked == [], unlinked  # every non-zero money figure has its link
    assert n > 20


def test_developer_row_links_to_the_unit_filtered_developer_account(fava_client):
    """2-201 was never handed over: its row opens the developer account filtered to unit 2-201, not the
    whole developer account."""
    client, slug, _ = fava_client
    part = wuye_part(client.get(f"/{slug}/extension/WuyeArrears/?as_of=2026-03-31").data.decode())
    row = re.search(r"<td><a [^>]*>2-201</a></td>.*?</tr>", part, re.S).group(0)
    url, text = CELL.search(row).groups()
    url = htmllib.unescape(url)
    assert "/account/Assets:Receivable:Developer/" in unquote(url)
    assert parse_qs(urlsplit(url).query)["filter"] == ['unit:"^2-201$"']
    assert follow(client, slug, url) == money(text) == Decimal("240.00")  # 6 months x 120 billed, 480 paid


def test_arrears_links_at_a_cut_off_inside_a_month(fava_client):
    """Mid-month (2026-03-15) the month's bill is not due: the unit figures link to the query of the due
    postings, whose sum is the figure."""
    client, slug, _ = fava_client
    check_links(client, slug, f"/{slug}/extension/WuyeArrears/?as_of=2026-03-15", 15)


@pytest.mark.parametrize("query", ["?time=2026-Q1", "?time=2026-02", "?time=2026-Q1&by=building",
                                   "?time=2026-Q1&filter=unit:%22%5E1-10%22"])
def test_every_rates_figure_links_to_its_postings(fava_client, query):
    client, slug, _ = fava_client
    check_links(client, slug, f"/{slug}/extension/WuyeRates/{query}", 8)


def test_time_filter_is_one_as_of_for_every_page(fava_client):
    """Under time=2026-01 the arrears, the rates and the 公示 are all as of 2026-01-31, shown on the page."""
    client, slug, books = fava_client
    for page in ("WuyeArrears", "WuyeRates", "WuyeDisclosure"):
        d = client.get(f"/{slug}/extension/{page}/data?time=2026-01").get_json()
        assert d["as_of"] == "2026-01-31", page
        html = client.get(f"/{slug}/extension/{page}/?time=2026-01").data.decode()
        assert "截至 <b>2026-01-31</b>（Fava 时间筛选的最后一天）" in html, page
    cli = scenario.wuye(books, "report", "rates", "--period", "2026-01", "--as-of", "2026-01-31", "--format", "json")
    assert client.get(f"/{slug}/extension/WuyeRates/data?time=2026-01").data.decode() == cli
    # a time filter reaching past today stops at today
    d = client.get(f"/{slug}/extension/WuyeArrears/data?time=2026").get_json()
    assert d["as_of"] == "2026-03-31"


def test_account_filter_and_filter_select_units(fava_client):
    client, slug, _ = fava_client
    whole = client.get(f"/{slug}/extension/WuyeArrears/data").get_json()
    row = {(u["unit"], u["debtor"]): u for u in whole["units"]}
    d = client.get(f"/{slug}/extension/WuyeArrears/data?account=Assets:Receivable:Unit:2-102").get_json()
    assert d["scope"] == ["2-102"] and [u["unit"] for u in d["units"]] == ["2-102"]
    assert d["total"]["outstanding"] == row[("2-102", "unit")]["outstanding"]
    d = client.get(f"/{slug}/extension/WuyeArrears/data", query_string={"filter": 'unit:"^2-201$"'}).get_json()
    assert [(u["unit"], u["debtor"]) for u in d["units"]] == [("2-201", "developer")]
    assert d["total"]["outstanding"] == row[("2-201", "developer")]["outstanding"]
    # the rates of one building's units by a filter equal the by-building group of the whole
    whole = client.get(f"/{slug}/extension/WuyeRates/data?time=2026-Q1&by=building").get_json()
    b1 = next(g for g in whole["groups"] if g["key"] == "1")
    d = client.get(f"/{slug}/extension/WuyeRates/data", query_string={"time": "2026-Q1",
                                                                      "filter": 'unit:"^1-"'}).get_json()
    assert d["scope"] == ["1-101", "1-102"]
    assert d["total"]["figures"] == b1["figures"] and d["total"]["rates"] == b1["rates"]
    # the 公示 stays the whole community's and says so
    html = client.get(f"/{slug}/extension/WuyeDisclosure/", query_string={"filter": 'unit:"^1-"'}).data.decode()
    assert "筛选条件对本页不起作用" in html


@pytest.mark.parametrize("page,query,cli", [
    ("WuyeArrears", "", ["arrears"]),
    ("WuyeArrears", "?time=2026-01", ["arrears", "--as-of", "2026-01-31"]),
    ("WuyeRates", "?time=2026-Q1", ["rates", "--period", "2026-Q1"]),
    ("WuyeRates", "?period=2026-02&by=building", ["rates", "--period", "2026-02", "--by", "building"]),
    ("WuyeDisclosure", "?time=2026-Q1", ["disclosure", "--period", "2026-Q1"]),
    ("WuyeStandards", "", ["standards"]),
    ("WuyeReports", "?report=limitation", ["limitation"]),
    ("WuyeReports", "?report=statement&unit=2-102", ["statement", "2-102"]),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_the_cli_bytes(fava_client, tmp_path, page, query, cli, fmt):
    client, slug, books = fava_client
    html = client.get(f"/{slug}/extension/{page}/{query}").data.decode()
    link = re.search(rf'href="([^"]*/export\?[^"]*format={fmt})"', html).group(1)
    r = client.get(htmllib.unescape(link))
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    out = tmp_path / f"cli.{fmt}"
    scenario.wuye(books, "report", *cli, "--format", fmt, "--output", str(out))
    assert r.data == out.read_bytes()


def test_operations_export(fava_client):
    client, slug, _ = fava_client
    r = client.get(f"/{slug}/extension/WuyeOperations/export?format=csv")
    assert r.status_code == 200 and "void SJ2026-000005" in r.data.decode("utf-8-sig")
    assert client.get(f"/{slug}/extension/WuyeOperations/export?format=pdf").status_code == 400


def test_generic_reports_page_lists_every_assembled_report(fava_client):
    """WuyeReports offers every name of assemble.REPORTS (registers other branches add there appear
    with no page of their own) and renders each from its tables."""
    from ledger.reports import assemble

    client, slug, _ = fava_client
    html = client.get(f"/{slug}/extension/WuyeReports/").data.decode()
    for name in assemble.REPORTS:
        assert f'<option value="{name}"' in html, name
        r = client.get(f"/{slug}/extension/WuyeReports/", query_string={"report": name, "unit": "1-101",
                                                                         "period": "2026-Q1"})
        assert r.status_code == 200 and 'class="err"' not in r.data.decode(), name
        assert "<table>" in r.data.decode(), name


def test_charts_are_inline_svg(fava_client):
    client, slug, _ = fava_client
    html = client.get(f"/{slug}/extension/WuyeRates/?time=2026-Q1").data.decode()
    assert "2026-02 当期应收 " in html and "2026-02 当期实收 " in html and 'aria-label="按月当期应收与当期实收"' in html
    html = client.get(f"/{slug}/extension/WuyeArrears/").data.decode()
    assert 'aria-label="欠费账龄分布"' in html and "<script" not in wuye_part(html)
    part = wuye_part(html)
    assert "src=" not in part and "<link" not in part and "url(" not in part  # nothing loaded from outside


@pytest.mark.parametrize("query", ["?time=2026-Q1", "?time=2026-02", "?period=2026-Q1&as_of=2026-03-15"])
def test_disclosure_figures_link_to_their_postings(fava_client, query):
    """The 公示's item figures, rates and arrears by building open the postings they sum."""
    client, slug, _ = fava_client
    n = check_links(client, slug, f"/{slug}/extension/WuyeDisclosure/{query}", 12)
    assert n >= 12
