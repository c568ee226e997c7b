"""Import behaviour: idempotence, overlap, identical payments, double payments, the settlement
cross-checks, queue -> assign, all-or-nothing, one commit for many files."""
from __future__ import annotations

import json
import re
import stat
from decimal import Decimal

from .conftest import SAMPLE_NAMES, git, tree_bytes

D = Decimal
NEW_ROW = ('{date} 10:00:00,二维码收款,{nick},"收款方备注:二维码收款付款方留言:{text}",收入,¥{amount},零钱,已收钱,'
           '{id}\t,/\t,"/"\n')


def add_rows(path, *rows):
    with open(path, "a", encoding="utf-8", newline="") as fh:
        for r in rows:
            fh.write(NEW_ROW.format(**r))


def balance(books, account: str, link: str | None = None) -> Decimal:
    lb = books.open()
    sql = "SELECT COALESCE(SUM(p.cents),0) FROM postings p JOIN txns t ON t.id=p.txn WHERE p.account=?"
    args = [account]
    if link:
        sql += " AND (' ' || t.links || ' ') LIKE ?"
        args.append(f"% {link} %")
    (cents,), = lb.cache.q(sql, tuple(args))
    lb.close()
    return D(cents) / 100


def credit(books, unit):
    return D(books.ok("statement", unit, "--json").json()["credit"])


def test_reimport_same_file_adds_nothing(books):
    f = books.sample("wechat_personal")
    first = books.import_json(f)
    head, tree = books.head(), tree_bytes(books.root)
    r = books.ok("import", f)
    assert "already imported (sha" in r.out
    booked = first["counts"]["payment"] + first["counts"]["queued"] + first["counts"]["other"]
    assert f"{booked} already imported" in r.out
    assert "nothing new to import" in r.out
    assert books.head() == head and tree_bytes(books.root) == tree
    doc = books.import_json(f)
    assert doc["counts"]["entries"] == 0 and doc["commit"] is None
    assert doc["files"][0]["already_imported"] is True


def test_overlapping_file_books_only_new_rows(books):
    f = books.sample("wechat_personal")
    books.import_json(f)
    wider = books.tmp / "in" / "wechat_personal_wider.csv"
    wider.write_bytes(f.read_bytes())
    add_rows(wider, dict(date="2024-03-29", nick="山间明月", text="3-0801物业费", amount="264.00",
                         id="100004990124032900000000000201"),
             dict(date="2024-03-30", nick="Sunny", text="3-1502物业费", amount="216.70",
                  id="100004990124033000000000000202"))
    doc = books.import_json(wider)
    assert doc["counts"]["payment"] == 2 and doc["counts"]["queued"] == 0 and doc["counts"]["other"] == 0
    assert {p["unit"] for p in doc["payments"]} == {"3-0801", "3-1502"}
    assert doc["counts"]["already_imported"] >= 20 - 7     # every booked row of the first import
    assert doc["files"][0]["already_imported"] is False


def test_identical_payments_with_different_ids_are_both_kept(books):
    f = books.tmp / "in" / "twins.csv"
    f.parent.mkdir(exist_ok=True)
    f.write_bytes(books.sample("wechat_personal").read_bytes())
    same = dict(date="2024-03-29", nick="清风徐来", text="5-1502物业费", amount="216.70")
    add_rows(f, {**same, "id": "100004990124032900000000000301"}, {**same, "id": "100004990124032900000000000302"})
    doc = books.import_json(f)
    twins = [p for p in doc["payments"] if p["txn_id"].endswith(("301", "302"))]
    assert len(twins) == 2 and len({p["receipt"] for p in twins}) == 2


def test_same_family_paying_twice_by_two_channels_becomes_credit(books):
    # WeChat merchant WY…007 pays 2-1101 for all of 2024; the WeChat wallet 108 pays it again
    books.import_json(books.sample("wechat_merchant"))
    assert credit(books, "2-1101") == D("2027.52") - 3 * D("168.96")
    doc = books.import_json(books.sample("wechat_personal"))
    p108 = [p for p in doc["payments"] if p["txn_id"].endswith("108")][0]
    assert "to credit: 2,027.52" in p108["detail"]
    assert credit(books, "2-1101") == 2 * D("2027.52") - 3 * D("168.96")
    st = books.ok("statement", "2-1101", "--json").json()
    assert D(st["outstanding"]) == 0


def test_merchant_day_total_and_bank_settlement_cross_check(books):
    """应结 8188.88 − 退款 248.97 − 手续费 47.64 = 7892.27 = bank K…009; Assets:Transit nets to zero."""
    doc = books.import_json(books.sample("wechat_merchant"))
    f = doc["files"][0]
    assert f["net"] == "7892.27" and f["booked_net"] == "7892.27"
    # the receipt shows what the payer paid (650.10), not what is left after the 3.90 channel fee
    wy1 = [p for p in doc["payments"] if p["txn_id"] == "4200002001202403050000000001"][0]
    rec = books.ok("receipt", wy1["receipt"]).out
    assert "¥650.10" in rec and "陆佰伍拾元壹角" in rec
    checks = {c[0]: c for c in f["checks"]}
    assert checks["应结订单总金额"][1] == "8188.88" and checks["退款总金额"][1] == "248.97"
    assert checks["手续费总金额"][1] == "47.64"
    assert D("8188.88") - D("248.97") - D("47.64") == D("7892.27")
    assert balance(books, "Assets:Clearing:WeChat") == 0            # the day settled out of clearing
    assert balance(books, "Assets:Transit") == D("7892.27")         # in transit to the bank
    doc = books.import_json(books.sample("bank_cmb"))
    k9 = [o for o in doc["other"] if o["txn_id"] == "K0000000000000009"][0]
    assert D(k9["amount"]) == D("7892.27")

    assert balance(books, "Assets:Transit", "wechat-settle-20240305") == 0
    # the two other bank credits (collector hand-over, Alipay withdrawal) wait for their other side
    assert balance(books, "Assets:Transit") == -(D("5000.00") + D("1000.00"))


def test_all_four_samples_in_one_commit(books):
    n = books.commits()
    doc = books.import_json(*(books.sample(s) for s in SAMPLE_NAMES))
    assert books.commits() == n + 1
    msg = git(books.root, "log", "-1", "--format=%B")
    for s in SAMPLE_NAMES:
        assert s in msg
    c = doc["counts"]
    assert c["payment"] == 37 and c["queued"] == 8 and c["skipped"] == 17
    # with the WeChat/merchant payments in the same batch, 3-1502 has credit for both refunds
    outs = {o["txn_id"]: o for k in ("other", "queued") for o in doc[k]}
    assert outs["100005010124031100000000000111"]["op"] == "refund"
    assert outs["50303108562024030500000000001"]["op"] == "refund"
    assert balance(books, "Assets:Transit", "wechat-settle-20240305") == 0
    books.ok("check")
    # re-import of all four: nothing
    doc2 = books.import_json(*(books.sample(s) for s in SAMPLE_NAMES))
    assert doc2["commit"] is None and doc2["counts"]["entries"] == 0
    assert all(f["already_imported"] for f in doc2["files"])


def test_queue_assign_receipt_and_alias(books):
    books.import_json(books.sample("wechat_personal"))
    q = books.ok("queue", "--json").json()
    by_ref = {i["ref"]: i for i in q["items"]}
    item = by_ref["100004990124030500000000000105"]          # A.王, no remark, 264.00
    assert item["reason"] and any("3-0801" in s and "NOT a match" in s for s in item["suggestions"])
    assert item["payer"] == "other A**" and "A.王" not in json.dumps(q, ensure_ascii=False)
    r = books.ok("assign", item["id"], "3-0801", "--learn-alias", "--json").json()
    assert r["receipt"].startswith("SJ2024-") and r["aliases_learned"] == ["nickname -> 3-0801"]
    assert r["received"] == item["date"] and r["date"] == "2024-04-01"   # dated the day it is assigned
    rec = books.ok("receipt", r["receipt"]).out
    assert "3-0801" in rec and f"到账日期：{item['date']}" in rec
    assert "¥264.00" in rec and "贰佰陆拾肆元整" in rec   # the money came out of suspense, not a channel
    text = books.month_text() + books.month_text("2024-04")
    assert f'queue: "{item["id"]}"' in books.month_text("2024-04") and "A.王" not in text
    # the assignment does not reuse the channel ref as a dedup key; both entries carry the queue link
    assert text.count(f"^queue-{item['id']}") == 2
    # gone from the open queue; a second assign is refused
    assert item["id"] not in {i["id"] for i in books.ok("queue", "--json").json()["items"]}
    bad = books.run("assign", item["id"], "3-0801")
    assert bad.rc != 0 and "already" in bad.err
    # a later row from the same nickname with no remark is booked to 3-0801 by the learned alias
    later = books.tmp / "in" / "later.csv"
    later.write_bytes(books.sample("wechat_personal").read_bytes())
    add_rows(later, dict(date="2024-03-31", nick="A.王", text="", amount="264.00", id="100004990124033100000000000401"))
    doc = books.import_json(later)
    assert len(doc["payments"]) == 1
    p = doc["payments"][0]
    assert p["unit"] == "3-0801" and "alias nickname" in p["detail"]
    books.ok("check")


def test_alias_directives_hold_no_names_and_salt_is_private(books, tmp_path):
    books.import_json(books.sample("wechat_personal"), books.sample("bank_cmb"))
    text = books.month_text()
    aliases = [ln for ln in text.splitlines() if '"wuye-alias"' in ln]
    assert aliases
    for name in ("清风徐来", "刘晓梅", "王建国", "山间明月"):
        assert name not in text
    # keys are base32 HMACs: letters and 2-7 only, so no key can look like a phone or ID number
    assert all(re.search(r'"(nickname|name|account)" "[a-z2-7]{20}"', ln) for ln in aliases
               if '"openid"' not in ln)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    salt = books.root / ".wuye" / "alias.salt"
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    assert ".wuye/" in (books.root / ".gitignore").read_text()


def test_new_salt_is_created_private(tmp_path):
    from importers.aliases import load_salt

    s1 = load_salt(tmp_path)
    p = tmp_path / ".wuye" / "alias.salt"
    assert stat.S_IMODE(p.stat().st_mode) == 0o600 and len(s1) == 64
    assert load_salt(tmp_path) == s1


def test_parse_failure_in_any_file_imports_nothing(books):
    good = books.sample("wechat_personal")
    bad = books.tmp / "in" / "wechat_merchant_bad.csv"
    lines = books.sample("wechat_merchant").read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines) if "`2027.52" in ln)
    assert 3 < n < len(lines) - 5                              # half-way down the file
    lines[n] = lines[n].replace("`2027.52", "`20x7.52", 1)     # a corrupted amount
    bad.write_text("".join(lines), encoding="utf-8")
    head, tree = books.head(), tree_bytes(books.root)
    r = books.run("import", good, bad)
    assert r.rc != 0 and "wechat_merchant_bad.csv" in r.err and "row" in r.err
    assert books.head() == head and tree_bytes(books.root) == tree
    assert git(books.root, "status", "--porcelain") == ""


def test_writer_failure_leaves_books_unchanged(books, monkeypatch):
    from ledger.books import writer
    from ledger.basics.errors import LedgerProblem

    monkeypatch.setattr(writer, "validate", lambda root, changed: ([LedgerProblem("x", 1, "boom")], {}))
    head, tree = books.head(), tree_bytes(books.root)
    r = books.run("import", books.sample("bank_cmb"))
    assert r.rc != 0 and "boom" in r.err
    assert books.head() == head and tree_bytes(books.root) == tree
    assert git(books.root, "status", "--porcelain") == ""


def test_dry_run_writes_nothing(books):
    head, tree = books.head(), tree_bytes(books.root)
    r = books.ok("import", books.sample("alipay_personal"), "--dry-run")
    assert "dry run" in r.out and "payments by unit" in r.out
    assert books.head() == head and tree_bytes(books.root) == tree


def test_existing_books_get_missing_accounts_in_the_same_commit(books):
    acc_file = books.root / "accounts.beancount"
    text = acc_file.read_text(encoding="utf-8")
    stripped = "".join(ln for ln in text.splitlines(keepends=True)
                       if "Assets:Transit" not in ln and "Liabilities:Credit:Developer" not in ln)
    acc_file.write_text(stripped, encoding="utf-8")
    git(books.root, "commit", "-qam", "books from before Assets:Transit existed")
    n = books.commits()
    doc = books.import_json(books.sample("bank_cmb"))
    assert set(doc["accounts_opened"]) == {"Assets:Transit", "Liabilities:Credit:Developer"}
    assert books.commits() == n + 1
    assert "Assets:Transit" in acc_file.read_text(encoding="utf-8")
    books.ok("check")


def test_reversal_of_a_row_booked_earlier_reverses_it(books):
    """K…007 imported first (no unit: queued); the statement with its 冲帐 row then reverses the queue item."""
    full = books.sample("bank_cmb")
    text = full.read_bytes().decode("gb18030")
    first = books.tmp / "in" / "bank_cmb_before_reversal.csv"
    kept = [ln for ln in text.splitlines(keepends=True) if not ("K0000000000000007" in ln and "冲帐" in ln)]
    first.write_bytes("".join(kept).encode("gb18030"))
    doc = books.import_json(first)
    k7 = [o for o in doc["queued"] if o["txn_id"] == "K0000000000000007"][0]
    doc = books.import_json(full)
    rev = [o for o in doc["other"] if o["txn_id"] == "K0000000000000007-R"][0]
    assert rev["op"] == "reversal"
    assert k7["queue"] not in {i["id"] for i in books.ok("queue", "--json").json()["items"]}
    assert balance(books, "Assets:Suspense:Unidentified", f"queue-{k7['queue']}") == 0
    books.ok("check")
