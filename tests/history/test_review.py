"""`wuye check --review A..B`: what an approver must see — edits and deletions of existing entries
(appends are not listed), fee-standard and units changes, and every added code-running line."""
from __future__ import annotations

import json
import subprocess

from .test_verified import CONFIG, FEB, UNITS, entry_blocks  # noqa: F401  (same small books)

MAR = "txns/2026/2026-03.beancount"


def git(books, *args):
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def hand_commit(books, message):
    git(books, "add", "-A")
    git(books, "commit", "-qm", message)


def setup_books(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=books).rc == 0
    for unit in ("1-0101", "1-0102"):
        assert run_cli("pay", unit, "50", "--channel", "cash", books=books).rc == 0
    return books, git(books, "rev-parse", "HEAD").strip()


def test_review_lists_edits_deletions_standards_units_and_code_lines_but_not_appends(
        tmp_path, make_books, run_cli, monkeypatch):
    books, base = setup_books(tmp_path, make_books, run_cli, monkeypatch)
    # 1. appends only (wuye's own payment): nothing to review
    assert run_cli("pay", "1-0101", "20", "--channel", "cash", books=books).rc == 0
    assert run_cli("check", "--review", f"{base}..HEAD", books=books).out == \
        "nothing to review: only appended entries\n"
    # 2. by hand: the first payment edited (amount on both legs), the second deleted
    path = books / FEB
    blocks = entry_blocks(path.read_text(encoding="utf-8"))
    blocks[2] = blocks[2].replace("-50.00 CNY", "-1050.00 CNY", 1).replace(" 50.00 CNY", " 1050.00 CNY", 1)
    path.write_text("\n\n".join(blocks[:3] + blocks[4:]) + "\n", encoding="utf-8")
    hand_commit(books, "tidy February")
    # 3. a fee standard through wuye, and a unit's area by hand
    assert run_cli("standard", "PF", "--from", "2026-04-01", "--residential", "2.50", books=books).rc == 0
    units = books / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("80.00", "60.00"), encoding="utf-8")
    hand_commit(books, "smaller flat")

    # 4. code that beancount or Fava would run, and an option (last: the writer would refuse to validate with it)
    main = books / "main.beancount"
    main.write_text(main.read_text(encoding="utf-8") + 'plugin "evil.module"\noption "title" "x"\n'
                    '2026-01-01 custom "fava-extension" "evil_ext"\ninclude "/etc/x.beancount"\n', encoding="utf-8")
    hand_commit(books, "options")

    res = run_cli("check", "--review", f"{base}..HEAD", books=books)
    assert res.rc == 0, res.err
    out = res.out
    assert "tidy February" in out and "entry-edited" in out and "entry-deleted" in out
    assert "1050.00 CNY" in out            # the edited amount is shown beside the old one
    for line in ('plugin "evil.module"', 'option "title" "x"', 'custom "fava-extension" "evil_ext"',
                 'include "/etc/x.beancount"'):
        assert line in out
    assert "fee-standard" in out and "PF residential: 2.00 -> 2.50 from 2026-04-01" in out
    assert "units" in out and "-1-0102,1,80.00" in out and "+1-0102,1,60.00" in out

    items = json.loads(run_cli("check", "--review", f"{base}..HEAD", "--json", books=books).out)
    kinds = [(i["kind"], i["path"]) for i in items]
    assert kinds.count(("entry-edited", FEB)) == 1 and kinds.count(("entry-deleted", FEB)) == 1
    assert [i["text"] for i in items if i["kind"] == "code-line"] == [
        'plugin "evil.module"', 'option "title" "x"', '2026-01-01 custom "fava-extension" "evil_ext"',
        'include "/etc/x.beancount"']
    assert ("fee-standard", "config.yaml") in kinds and ("units", "units.csv") in kinds
    # the wuye payment in step 1 appended only: never listed
    assert not any(i["subject"].startswith("pay 1-0101 20.00") for i in items)
    # and the plain check names the hand edits too
    err = run_cli("check", books=books).err
    assert f"{FEB}:" in err and "verified entr" in err


def test_review_refuses_what_is_not_a_range(tmp_path, make_books, run_cli, monkeypatch):
    books, base = setup_books(tmp_path, make_books, run_cli, monkeypatch)
    res = run_cli("check", "--review", base, books=books)
    assert res.rc == 2 and "wants a range REV..REV" in res.err
    res = run_cli("check", "--review", "nosuchrev..HEAD", books=books)
    assert res.rc == 2 and "unknown revision" in res.err
