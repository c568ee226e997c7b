"""Config that would write code or escape the folder is refused by name, and `wuye init` leaves
nothing behind when it fails."""
from __future__ import annotations

import pytest

from .conftest import CONFIG, UNITS, cli, git, write_src


def init(tmp_path, config: str = CONFIG, units: str = UNITS, target: str = "books"):
    cfg, units_path = write_src(tmp_path / "src", config, units)
    return cli(None, "init", str(tmp_path / target), "--config", str(cfg), "--units", str(units_path))


def refused_init(tmp_path, config: str, *names: str, target: str = "books"):
    r = init(tmp_path, config, target=target)
    assert r.rc != 0, r.out
    assert "Traceback" not in r.err
    for word in names:
        assert word in r.err, r.err
    assert not (tmp_path / target).exists(), "init left files behind"
    return r


@pytest.mark.parametrize("name", ['翠湖苑"\nplugin "os.system', "翠湖苑\nplugin \"evil\"", "翠湖苑\r\ninclude \"/etc\"",
                                  "翠湖苑\u2028option", "翠湖苑\\", "苑" * 61])
def test_community_name_that_would_write_ledger_text(tmp_path, name):
    import json

    cfg = CONFIG.replace("name: 输入苑", f"name: {json.dumps(name)}")
    refused_init(tmp_path, cfg, "community.name")


@pytest.mark.parametrize("account", ["Assets:Bank:CMB\\n2020-01-01 open Assets:Evil", "assets:bank", "Assets:Bank:招商",
                                     "Bank:CMB", "Assets:Bank:CMB ", "Assets::Bank"])
def test_channel_account_outside_the_grammar(tmp_path, account):
    cfg = CONFIG.replace("bank: Assets:Bank:CMB", f'bank: "{account}"')
    if account.endswith(" "):  # a trailing blank is stripped: still a valid account
        assert init(tmp_path, cfg).rc == 0
        return
    refused_init(tmp_path, cfg, "channels.bank", "account")


@pytest.mark.parametrize("prefix", ["S J", "收据", "SJ-", "S1", 'SJ"\nplugin', "ABCDEFG"])
def test_receipt_prefix_must_be_ascii_letters(tmp_path, prefix):
    import json

    refused_init(tmp_path, CONFIG.replace("prefix: SJ", f"prefix: {json.dumps(prefix)}"), "receipts.prefix",
                 "ASCII letters")


@pytest.mark.parametrize("path", ["../x.csv", "/tmp/wuye-x.csv", "a/../../x.csv", "~/x.csv", "units.txt",
                                  "..\\\\x.csv"])
def test_units_file_stays_inside_the_books(tmp_path, path):
    cfg = f'units_file: "{path}"\n' + CONFIG
    refused_init(tmp_path, cfg, "units_file")
    assert not (tmp_path / "x.csv").exists()


def test_units_file_in_a_subfolder_is_fine(tmp_path):
    r = init(tmp_path, 'units_file: "data/units.csv"\n' + CONFIG)
    assert r.rc == 0, r.err
    assert (tmp_path / "books" / "data" / "units.csv").exists()
    assert git(tmp_path / "books", "status", "--porcelain") == ""


@pytest.mark.parametrize("rate,words", [('"1e30"', "not a number"), ('"1E+3"', "not a number"),
                                        ('"NaN"', "not a number"), ('"Infinity"', "not a number"),
                                        ('"٢.٠٠"', "not a number"), ('"1000000"', "above the limit"),
                                        ('"2.123456789"', "decimals")])
def test_rates_are_bounded(tmp_path, rate, words):
    refused_init(tmp_path, CONFIG.replace('all: "2.00"', f"all: {rate}"), "fees.PF.rates[0].all", words)


@pytest.mark.parametrize("snippet,key", [
    ('policies:\n  late_fee:\n    - {from: 2026-01-01, daily_rate: "0.5"}\n', "policies.late_fee[0].daily_rate"),
    ('policies:\n  late_fee:\n    - {from: 2026-01-01, daily_rate: "0.0003", cap: "1e30"}\n', "policies.late_fee[0].cap"),
    ('policies:\n  late_fee:\n    - {from: 2026-01-01, daily_rate: "0.0003", grace_days: 99999999}\n',
     "policies.late_fee[0].grace_days"),
    ('targets:\n  - {collector: 林小红, period: 2026-11, amount: "1e30"}\n', "targets[0].amount"),
    ("staff: [\"13812345678\"]\n", "staff[0]"),
    ('staff: ["前台\\n2026-01-01 open Assets:Evil"]\n', "staff[0]"),
])
def test_other_numbers_and_ids_are_bounded(tmp_path, snippet, key):
    cfg = CONFIG.replace("staff: [前台01, 会计]\n", "") + snippet
    refused_init(tmp_path, cfg, key)


def test_fee_item_names_reach_ledger_text_checked(tmp_path):
    refused_init(tmp_path, CONFIG.replace("name: 物业服务费", 'name: "物业\\n2026-01-01 open Assets:Evil"'),
                 "fees.PF.name")


def test_init_rollback_removes_the_folders_it_made(tmp_path, monkeypatch):
    """git missing: every file and every folder init created on the way is gone again."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    r = init(tmp_path, target="new/deep/books")
    assert r.rc != 0 and "git" in r.err
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


def test_init_rollback_keeps_the_users_empty_folder(tmp_path, monkeypatch):
    (tmp_path / "books").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    r = init(tmp_path)
    assert r.rc != 0
    assert (tmp_path / "books").is_dir() and not any((tmp_path / "books").iterdir())


def test_init_refuses_a_personal_wuye_user_or_author(tmp_path, monkeypatch):
    monkeypatch.setenv("WUYE_USER", "王建国")
    refused_init(tmp_path, CONFIG, "WUYE_USER")
    monkeypatch.setenv("WUYE_USER", "前台01")
    monkeypatch.setenv("WUYE_AUTHOR", "王建国 <w@example.invalid>")
    refused_init(tmp_path, CONFIG, "WUYE_AUTHOR")


def test_new_main_beancount_has_only_our_directives(tmp_path):
    r = init(tmp_path)
    assert r.rc == 0, r.err
    main = (tmp_path / "books" / "main.beancount").read_text(encoding="utf-8")
    assert [ln for ln in main.splitlines() if ln.startswith("plugin")] == ['plugin "ledger.books.plugin"']
    assert 'option "title" "输入苑 物业费账本"' in main


def test_a_hand_edited_config_is_refused_by_key_not_by_traceback(books):
    """A rate of 1e30 committed with plain git: every command names the key; nothing is written."""
    cfg = books.root / "config.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('all: "2.00"', 'all: "1e30"'), encoding="utf-8")
    git(books.root, "commit", "-qam", "hand edit")
    r = books.refused("bill", "2026-12", names=("config.yaml", "fees.PF.rates[0].all"))
    assert "Traceback" not in r.err
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('"1e30"', '"2.00"').replace(
        "prefix: SJ", "prefix: 收据"), encoding="utf-8")
    git(books.root, "commit", "-qam", "hand edit 2")
    books.refused("pay", "1-0101", "10", "--channel", "cash", names="receipts.prefix")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("prefix: 收据", "prefix: SJ") + 'units_file: "../x.csv"\n',
                   encoding="utf-8")
    git(books.root, "commit", "-qam", "hand edit 3")
    books.refused("statement", "1-0101", names="units_file")


@pytest.mark.parametrize("row,column", [('1-0103,"1\nplugin ""x""",10.00,residential,,0,O-3', "building"),
                                        ('1-0103,1,10.00,residential,,0,"O-3""\n2026-01-01 open Assets:Evil"',
                                         "owner_id")])
def test_unit_values_that_reach_open_directives(tmp_path, row, column):
    units = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n" + row + "\n"
    cfg, units_path = write_src(tmp_path / "src", CONFIG, units)
    r = cli(None, "init", str(tmp_path / "books"), "--config", str(cfg), "--units", str(units_path))
    assert r.rc != 0 and f"[{column}]" in r.err and "units.csv:2" in r.err, r.err
    assert not (tmp_path / "books").exists()
