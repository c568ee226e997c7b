"""Reliability campaigns: what an office would do to the books, and what came of it.

    .venv/bin/python bench/reliability.py            # 8 processes x 250 payments, 200 kill -9 points, ...
    .venv/bin/python bench/reliability.py --quick    # 8 x 25 payments, 30 kill -9 points
    .venv/bin/python bench/reliability.py --only payments,kill --procs 4 --per 10 --kills 20

Every command runs as `wuye ...` in its own process (the installed entry point beside this Python), on
books made with `wuye init` in a temp folder, so the figures are those of the product as it is now. The
campaigns only count what they see in the books and the commits afterwards:

- payments: N processes record M payments each at once (unique `--ref` each). attempted, committed (exit 0),
  refused (exit != 0, not in the books), lost (exit 0 but not in the books), duplicated (a ref booked twice),
  and committed although reported as failed (the retry hazard).
- kill: `wuye pay` killed with SIGKILL at a random moment of its run; then a plain next command
  (`wuye pay`) must succeed, the tree must be clean and `wuye check` must pass. Else the books needed repair
  (git reset --hard, git clean, stale git lock files removed), which is counted and done so the next trial runs.
- io: disk full at several levels (a small tmpfs, root only), an unwritable cache file (chattr +i, root and a
  file system that supports it), read-only books (a read-only bind mount, root only). A case is a clear error
  (exit != 0, a `wuye:` message, no traceback), a traceback, or success; committed-but-reported-failed and
  a retry that doubled the money are counted too. Cases that cannot run here are listed as skipped, with why.
- offices: two offices (two clones of one bare repository, `wuye office set A|B`) record payments at the
  same time, each in its own units, syncing every few payments; some syncs are killed with SIGKILL at a random
  moment. Counted: payments committed, syncs run / failed / killed, conflicts, receipts issued twice, whether
  both clones end at one commit with `wuye check` passing and the same arrears figures.
- hostile: the inputs of issue 11 (full-width and Arabic-Indic digits, a decimal comma, year 9999, config
  values that would write ledger code or escape the folder, bad receipt prefixes, a huge rate, phones and
  names in free text and identities). Each is refused, accepted correctly, or written wrongly.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

WUYE = str(Path(sys.executable).parent / "wuye")
TODAY = "2026-11-20"
UNITS = 12
CONFIG = """\
community: {{name: {name}, currency: CNY, books_start: 2026-01-01}}
units_file: {units_file}
fees:
  PF: {{name: 物业服务费, basis: area, rates: [{{from: 2026-01-01, residential: "{rate}"}}]}}
{extra}"""
PHONE = "13812345678"
PHONE_RE = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")


def env(**extra: str) -> dict:
    e = {**os.environ, "WUYE_TODAY": TODAY, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@invalid",
         "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@invalid", "WUYE_LOCK_TIMEOUT": "120",
         "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
    for k in ("WUYE_BOOKS", "WUYE_AUTHOR", "WUYE_USER"):
        e.pop(k, None)
    e.update(extra)
    return e


def wuye(books: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([WUYE, "--books", str(books), *args], capture_output=True, text=True, env=env(**extra),
                          timeout=timeout)


def git(books: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True).stdout


def units_csv(n: int = UNITS, with_owners: bool = False) -> str:
    head = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id" + (",name,phone" if with_owners else "")
    rows = [f"1-{i:04d},1,{80 + i}.00,residential,2025-12-01,0,O-{i}" + (f",张三丰{i},1391234{i:04d}"
                                                                           if with_owners else "")
            for i in range(1, n + 1)]
    return "\n".join([head] + rows) + "\n"


def make_books(where: Path, name: str = "可靠苑", rate: str = "2.00", extra: str = "", units_file: str = "units.csv",
               with_owners: bool = False, bill: bool = True) -> subprocess.CompletedProcess | Path:
    """`wuye init` (and `wuye bill 2026-11`); returns the books folder, or the failed init's result."""
    src = where.parent / f"{where.name}-src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "config.yaml").write_text(CONFIG.format(name=name, rate=rate, extra=extra, units_file=units_file),
                                     encoding="utf-8")
    (src / "units.csv").write_text(units_csv(with_owners=with_owners), encoding="utf-8")
    r = subprocess.run([WUYE, "init", str(where), "--config", str(src / "config.yaml"), "--units",
                        str(src / "units.csv")], capture_output=True, text=True, env=env())
    if r.returncode != 0:
        return r
    if bill:
        b = wuye(where, "bill", "2026-11")
        assert b.returncode == 0, b.stderr
    return where


def ledger_pays(books: Path) -> list[dict]:
    """Every committed payment (op pay) in the books at HEAD: ref, receipt, amount of the money leg."""
    from beancount.parser import parser

    out = []
    for rel in git(books, "ls-files", "txns").split():
        text = git(books, "show", f"HEAD:{rel}")
        for e in parser.parse_string(text)[0]:
            if getattr(e, "meta", {}).get("op") == "pay":
                money = [p.units.number for p in e.postings if p.account.startswith(("Assets:Cash", "Assets:Bank"))
                         and p.units is not None]
                out.append({"ref": str(e.meta.get("ref", "")), "receipt": e.meta.get("receipt"),
                            "amount": money[0] if money else None})
    return out


def repair(books: Path) -> None:
    """What a person had to do before wuye could write again."""
    gitdir = books / ".git"
    for lock in ("index.lock", "HEAD.lock", "refs/heads/main.lock"):
        (gitdir / lock).unlink(missing_ok=True)
    subprocess.run(["git", "-C", str(books), "reset", "-q", "--hard"], capture_output=True)
    subprocess.run(["git", "-C", str(books), "clean", "-fdq"], capture_output=True)


# --- campaign: concurrent payments -----------------------------------------------------------------

@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def campaign_payments(tmp: Path, procs: int, per: int) -> Tally:
    t = Tally()
    books = make_books(tmp / "payments")

    def worker(p: int) -> list[tuple[str, int, str]]:
        out = []
        for i in range(per):
            ref = f"R{p:02d}N{i:04d}"
            unit = f"1-{(p * per + i) % UNITS + 1:04d}"
            r = wuye(books, "pay", unit, "1.00", "--channel", "bank", "--ref", ref)
            out.append((ref, r.returncode, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""))
        return out

    start = time.monotonic()
    with ThreadPoolExecutor(procs) as ex:
        results = [x for chunk in ex.map(worker, range(procs)) for x in chunk]
    elapsed = time.monotonic() - start
    booked = Counter(p["ref"] for p in ledger_pays(books))
    reasons = Counter()
    for ref, rc, err in results:
        t.counts["attempted"] += 1
        if rc == 0:
            t.counts["committed"] += 1
            if booked[ref] == 0:
                t.counts["lost"] += 1
        else:
            if booked[ref]:
                t.counts["committed although reported failed"] += 1
            else:
                t.counts["refused"] += 1
                reasons[re.sub(r"\b[0-9a-f]{8}\b", "…", err)[:110]] += 1
        if booked[ref] > 1:
            t.counts["duplicated"] += 1
    receipts = sorted(int(p["receipt"].rsplit("-", 1)[1]) for p in ledger_pays(books) if p["receipt"])
    gaps = sorted(set(range(1, receipts[-1] + 1)) - set(receipts)) if receipts else []
    t.counts["receipt gaps"] = len(gaps)
    t.counts["receipts issued twice"] = sum(1 for _n, c in Counter(receipts).items() if c > 1)
    check = wuye(books, "check")
    t.notes.append(f"{elapsed:.0f} s wall; `wuye check` afterwards: exit {check.returncode}")
    for why, n in reasons.most_common(3):
        t.notes.append(f"refused x{n}: {why}")
    return t


# --- campaign: kill -9 ---------------------------------------------------------------------------------

def campaign_kill(tmp: Path, trials: int, seed: int) -> Tally:
    t = Tally()
    rng = random.Random(seed)
    books = make_books(tmp / "kill")
    t0 = time.monotonic()
    r = wuye(books, "pay", "1-0001", "1.00", "--channel", "cash")
    duration = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    states = Counter()
    for n in range(trials):
        delay = rng.uniform(0, duration * 1.1)
        p = subprocess.Popen([WUYE, "--books", str(books), "pay", f"1-{n % UNITS + 1:04d}", "2.00", "--channel",
                              "cash"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        t.counts["kill -9 points tried"] += 1
        left = git(books, "status", "--porcelain", "--untracked-files=all")
        gitdir_locks = [x for x in ("index.lock", "HEAD.lock") if (books / ".git" / x).exists()]
        if left.strip() or gitdir_locks:
            states["left an uncommitted change or git lock"] += 1
        nxt = wuye(books, "pay", "1-0002", "0.50", "--channel", "cash")
        clean = git(books, "status", "--porcelain", "--untracked-files=all").strip() == ""
        check = wuye(books, "check") if nxt.returncode == 0 and clean else None
        if nxt.returncode == 0 and clean and check is not None and check.returncode == 0:
            t.counts["books valid (next command ok, tree clean, check ok)"] += 1
        else:
            t.counts["needed repair"] += 1
            why = (nxt.stderr.strip().splitlines() or ["?"])[-1] if nxt.returncode else (
                "tree not clean after the next command" if not clean else
                ((check.stderr.strip().splitlines() or ["?"])[-1] if check else "?"))
            states[re.sub(r"\b[0-9a-f]{7,40}\b", "…", why)[:110]] += 1
            repair(books)
    t.notes.append(f"a payment takes {duration:.2f} s here; kill points drawn uniformly in 0 .. {duration * 1.1:.2f} s")
    for why, n in states.most_common(4):
        t.notes.append(f"x{n}: {why}")
    return t


# --- campaign: I/O faults -------------------------------------------------------------------------------

def classify(r: subprocess.CompletedProcess) -> str:
    if "Traceback" in r.stderr:
        return "traceback"
    if r.returncode == 0:
        return "ok"
    return "clear error" if r.stderr.strip() else "silent failure"


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


def campaign_io(tmp: Path) -> Tally:
    t = Tally()
    template = make_books(tmp / "io-template")

    def case(name: str, r: subprocess.CompletedProcess, books: Path | None = None, ref: str | None = None) -> str:
        kind = classify(r)
        t.counts["I/O fault cases"] += 1
        t.counts[{"ok": "succeeded", "clear error": "clear errors", "traceback": "tracebacks",
                  "silent failure": "silent failures"}[kind]] += 1
        if kind != "ok" and books is not None and ref is not None and any(p["ref"] == ref for p in ledger_pays(books)):
            t.counts["committed although reported failed"] += 1
        last = (r.stderr.strip().splitlines() or [""])[-1]
        t.notes.append(f"{name}: {kind}" + (f" — {last[:100]}" if kind != "ok" else ""))
        return kind

    # 1. disk full: a small tmpfs, the books copied in, the free space filled up to a few levels
    mnt = tmp / "tmpfs"
    mnt.mkdir()
    if not _root():
        t.notes.append("disk full: skipped (needs root to mount a tmpfs)")
    elif _mount("-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt)).returncode != 0:
        t.notes.append("disk full: skipped (mount -t tmpfs refused here)")
    else:
        try:
            for leave in (0, 2048, 8192, 32768, 131072, 524288):
                books = mnt / "books"
                shutil.rmtree(books, ignore_errors=True)
                (mnt / "filler").unlink(missing_ok=True)
                shutil.copytree(template, books, symlinks=True)
                st = os.statvfs(mnt)
                free = st.f_bavail * st.f_frsize
                with open(mnt / "filler", "wb") as fh:
                    fh.write(b"\0" * max(free - leave, 0))
                ref = f"FULL{leave}"
                r = wuye(books, "pay", "1-0003", "10.00", "--channel", "bank", "--ref", ref)
                kind = case(f"disk full, {leave} bytes left: pay", r, books, ref)
                (mnt / "filler").unlink()
                # the bookkeeper retries the same cash payment once the disk has room again
                if kind != "ok":
                    before = len(ledger_pays(books))
                    retry = wuye(books, "pay", "1-0003", "10.00", "--channel", "cash")
                    after = len(ledger_pays(books))
                    committed_first = any(p["ref"] == ref for p in ledger_pays(books))
                    if committed_first and retry.returncode == 0 and after > before:
                        t.counts["retries that doubled a payment"] += 1
                    if retry.returncode != 0:
                        t.notes.append(f"  retry after freeing space: {classify(retry)} — "
                                       f"{(retry.stderr.strip().splitlines() or [''])[-1][:100]}")
                    if git(books, "status", "--porcelain").strip():
                        t.counts["left the tree dirty"] += 1
        finally:
            subprocess.run(["umount", str(mnt)], capture_output=True)

    # 2. an unwritable cache file (chattr +i: even root cannot write it)
    books = tmp / "io-cache"
    shutil.copytree(template, books, symlinks=True)
    cache = books / ".wuye" / "cache.sqlite"
    locked = []
    for f in (cache, cache.with_name("cache.sqlite-wal"), cache.with_name("cache.sqlite-shm")):
        if f.exists() and subprocess.run(["chattr", "+i", str(f)], capture_output=True).returncode == 0:
            locked.append(f)
    if not locked:
        t.notes.append("unwritable cache: skipped (chattr +i not possible on this file system)")
    else:
        try:
            case("unwritable cache: pay", wuye(books, "pay", "1-0004", "10.00", "--channel", "bank", "--ref", "RO1"),
                 books, "RO1")
            case("unwritable cache: statement", wuye(books, "statement", "1-0004"))
            case("unwritable cache: check", wuye(books, "check"))
        finally:
            for f in locked:
                subprocess.run(["chattr", "-i", str(f)], capture_output=True)

    # 3. read-only books: a read-only bind mount of the folder
    books = tmp / "io-ro"
    shutil.copytree(template, books, symlinks=True)
    if not _root():
        t.notes.append("read-only books: skipped (needs root for a read-only bind mount)")
    elif _mount("--bind", str(books), str(books)).returncode != 0 or \
            _mount("-o", "remount,ro,bind", str(books)).returncode != 0:
        subprocess.run(["umount", str(books)], capture_output=True)
        t.notes.append("read-only books: skipped (bind mount refused here)")
    else:
        try:
            case("read-only books: statement", wuye(books, "statement", "1-0005"))
            case("read-only books: check", wuye(books, "check"))
            case("read-only books: arrears", wuye(books, "arrears", "--json"))
            r = wuye(books, "pay", "1-0005", "10.00", "--channel", "cash")
            case("read-only books: pay (must be refused clearly)", r)
        finally:
            subprocess.run(["umount", str(books)], capture_output=True)
    return t


# --- campaign: two offices syncing through one remote ------------------------------------------------------

def campaign_offices(tmp: Path, per: int, seed: int) -> Tally:
    t = Tally()
    rnd = random.Random(seed)
    first = make_books(tmp / "offices-first")
    r = wuye(first, "migrate-offices", "A", "B")
    assert r.returncode == 0, r.stderr
    bare = tmp / "offices-remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(first), str(bare)], check=True)
    clones = {}
    for code in ("A", "B"):
        root = tmp / f"office-{code}"
        subprocess.run(["git", "clone", "-q", str(bare), str(root)], check=True, env=env())
        assert wuye(root, "office", "set", code).returncode == 0
        clones[code] = root
    units = [f"1-{i:04d}" for i in range(1, UNITS + 1)]
    own = {"A": units[: UNITS // 2], "B": units[UNITS // 2:]}

    def sync(code: str) -> None:
        t.counts["syncs run"] += 1
        if rnd.random() < 0.25:  # a sync killed at a random moment; the next command must recover
            p = subprocess.Popen([WUYE, "--books", str(clones[code]), "sync"], env=env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            time.sleep(rnd.uniform(0.05, 0.8))
            p.send_signal(signal.SIGKILL)
            p.communicate()
            if p.returncode == -9:
                t.counts["syncs killed"] += 1
        r = wuye(clones[code], "sync")
        if r.returncode != 0:
            t.counts["syncs failed"] += 1
            if "--resolve" in r.stderr:
                t.counts["conflicts"] += 1
            t.notes.append(f"sync {code}: {r.stderr.strip()[:200]}")

    def office(code: str) -> None:
        for i in range(per):
            r = wuye(clones[code], "pay", own[code][i % len(own[code])], "10.00", "--channel", "cash",
                     "--ref", f"{code}{i:04d}")
            t.counts["payments attempted"] += 1
            t.counts["payments committed"] += r.returncode == 0
            if i % 7 == 6:
                sync(code)

    start = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(office, ("A", "B")))
    for code in ("A", "B", "A"):
        sync(code)
    took = time.monotonic() - start
    heads = {git(clones[c], "rev-parse", "HEAD") for c in clones}
    checks = [wuye(clones[c], "check").returncode == 0 for c in clones]
    figures = {wuye(clones[c], "arrears", "--as-of", "2026-11-30", "--json").stdout for c in clones}
    pays = ledger_pays(clones["A"])
    receipts = Counter(p["receipt"] for p in pays)
    t.counts["payments in both clones"] = len(pays) if len(heads) == 1 else 0
    t.counts["receipts issued twice"] = sum(1 for n in receipts.values() if n > 1)
    t.counts["one history"] = int(len(heads) == 1 and git(clones["A"], "rev-list", "--merges", "HEAD") == "")
    t.counts["check ok in both"] = int(all(checks))
    t.counts["same figures"] = int(len(figures) == 1)
    t.notes.append(f"{took:.1f} s for {2 * per} payments and {t.counts['syncs run']} syncs")
    return t


# --- campaign: hostile inputs ------------------------------------------------------------------------------

def campaign_hostile(tmp: Path) -> Tally:
    t = Tally()
    template = make_books(tmp / "hostile-template", with_owners=True)
    n = [0]

    def fresh() -> Path:
        n[0] += 1
        dest = tmp / f"hostile-{n[0]}"
        shutil.copytree(template, dest, symlinks=True)
        return dest

    def outcome(name: str, result: str, detail: str = "") -> None:
        t.counts["hostile inputs"] += 1
        t.counts[result] += 1
        t.notes.append(f"{name}: {result}" + (f" — {detail[:110]}" if detail else ""))

    def run_case(name: str, books: Path, args: tuple, wrong, **extra) -> None:
        head = git(books, "rev-parse", "HEAD")
        r = wuye(books, *args, **extra)
        moved = git(books, "rev-parse", "HEAD") != head
        last = (r.stderr.strip().splitlines() or [""])[-1]
        if "Traceback" in r.stderr:
            t.counts["tracebacks"] += 1
        if moved and wrong(books):
            outcome(name, "written wrongly", git(books, "log", "-1", "--format=%s").strip())
        elif moved:
            outcome(name, "accepted correctly")
        else:
            outcome(name, "refused", last)

    def bills(books: Path, period: str) -> int:
        text = git(books, "show", f"HEAD:txns/{period[:4]}/{period}.beancount")
        return text.count('op: "bill"')

    b = fresh()
    wuye(b, "bill", "２０２７-０２")
    run_case("bill ２０２７-０２ then bill 2027-02", b, ("bill", "2027-02"),
             lambda bk: bills(bk, "2027-02") > UNITS)
    b = fresh()
    run_case("pay UNIT 100,00", b, ("pay", "1-0001", "100,00", "--channel", "cash"),
             lambda bk: True)
    b = fresh()
    run_case("bill 9999-12", b, ("bill", "9999-12"), lambda bk: True)
    b = fresh()
    run_case("pay UNIT ١٠٠ (Arabic-Indic digits)", b, ("pay", "1-0001", "١٠٠", "--channel", "cash"),
             lambda bk: True)
    b = fresh()
    run_case(f"pay --ref {PHONE}", b, ("pay", "1-0001", "10", "--channel", "bank", "--ref", PHONE),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-p", "-1"))))
    b = fresh()
    run_case("pay --ref '138 1234 5678'", b, ("pay", "1-0001", "10", "--channel", "bank", "--ref", "138 1234 5678"),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-p", "-1"))))
    b = fresh()
    run_case("pay --ref 张三丰1 (an owner's name)", b, ("pay", "1-0001", "10", "--channel", "bank", "--ref", "张三丰1"),
             lambda bk: "张三丰1" in git(bk, "log", "-p", "-1"))
    b = fresh()
    run_case(f"contact --by {PHONE}", b, ("contact", "1-0001", "--channel", "phone", "--outcome", "未接",
                                           "--by", PHONE),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-p", "-1"))))
    b = fresh()
    run_case(f"WUYE_USER={PHONE} pay", b, ("pay", "1-0001", "10", "--channel", "cash"),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-p", "-1"))), WUYE_USER=PHONE)
    b = fresh()
    run_case(f"waive --approved-by {PHONE}", b, ("waive", "1-0001", "5", "--item", "PF", "--period", "2026-11",
                                                 "--reason", "漏水", "--approved-by", PHONE),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-p", "-1"))))
    b = fresh()
    run_case(f"WUYE_AUTHOR='{PHONE} <x@y>' pay", b, ("pay", "1-0001", "10", "--channel", "cash"),
             lambda bk: bool(PHONE_RE.search(git(bk, "log", "-1", "--format=%an %ae"))),
             WUYE_AUTHOR=f"{PHONE} <x@y>")

    # config values that reach ledger text or paths (through `wuye init`)
    outside = tmp / "outside.csv"  # where ../outside.csv of a books folder in tmp lands

    def init_case(label: str, wrong, **kw) -> None:
        outside.unlink(missing_ok=True)
        n[0] += 1
        where = tmp / f"init-{n[0]}"
        r = make_books(where, bill=False, **kw)
        if isinstance(r, subprocess.CompletedProcess):
            if "Traceback" in r.stderr:
                t.counts["tracebacks"] += 1
            left = wrong(where) if where.exists() or kw.get("units_file") else ""
            if left:  # refused, but what it wrote before refusing is still there
                outcome(label, "written wrongly", f"refused, yet {left}: {(r.stderr.strip().splitlines() or [''])[-1]}")
            else:
                outcome(label, "refused", (r.stderr.strip().splitlines() or [""])[-1])
            return
        bad = wrong(where)
        outcome(label, "written wrongly" if bad else "accepted correctly", bad if isinstance(bad, str) else "")

    init_case("community.name with a newline and a plugin line",
              lambda w: "plugin" if (w / "main.beancount").read_text(encoding="utf-8").count("plugin ") > 1 else "",
              name='"x\\nplugin \\"evil\\"\\n; "')
    init_case("a channel account with a newline and an open",
              lambda w: "open added" if "Assets:Evil" in (w / "accounts.beancount").read_text(encoding="utf-8")
              else "", extra='channels: {cash: "Assets:Cash\\n2026-01-01 open Assets:Evil"}\n')
    init_case("units_file ../outside.csv",
              lambda w: "written outside the books" if (w.parent / "outside.csv").exists() else "",
              units_file="../outside.csv")
    init_case(f"units_file {outside} (absolute)",
              lambda w: "written outside the books" if outside.exists() else "", units_file=str(outside))

    def pays_fail(w: Path) -> str:
        wuye(w, "bill", "2026-11")
        r = wuye(w, "pay", "1-0001", "10", "--channel", "cash")
        return "" if r.returncode == 0 else "accepted, then every payment fails: " + \
            (r.stderr.strip().splitlines() or [""])[-1][:60]
    init_case("receipt prefix 'S J'", pays_fail, extra="receipts: {prefix: S J}\n")
    init_case("receipt prefix 收据", pays_fail, extra="receipts: {prefix: 收据}\n")

    def huge_bill(w: Path) -> str:
        r = wuye(w, "bill", "2026-11")
        if "Traceback" in r.stderr:
            t.counts["tracebacks"] += 1
            return "accepted, then billing crashes with a traceback"
        return "accepted, then billed" if r.returncode == 0 else ""
    init_case("a rate of 1e30", huge_bill, rate="1e30")
    return t


# --- report ---------------------------------------------------------------------------------------------

LINES = {
    "payments": ("payments", ["attempted", "committed", "refused", "lost", "duplicated",
                              "committed although reported failed", "receipt gaps", "receipts issued twice"]),
    "kill": ("kill -9", ["kill -9 points tried", "books valid (next command ok, tree clean, check ok)",
                         "needed repair"]),
    "io": ("I/O faults", ["I/O fault cases", "clear errors", "tracebacks", "succeeded", "silent failures",
                          "committed although reported failed", "retries that doubled a payment",
                          "left the tree dirty"]),
    "offices": ("two offices", ["payments attempted", "payments committed", "payments in both clones", "syncs run",
                                "syncs killed", "syncs failed", "conflicts", "receipts issued twice", "one history",
                                "check ok in both", "same figures"]),
    "hostile": ("hostile inputs", ["hostile inputs", "refused", "accepted correctly", "written wrongly",
                                   "tracebacks"]),
}


def show(name: str, t: Tally, extra: str = "") -> None:
    title, keys = LINES[name]
    print(f"\n== {title}{extra}")
    print("   " + " / ".join(f"{k} {t.counts.get(k, 0)}" for k in keys))
    for note in t.notes:
        print(f"   {note}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 x 25 payments and 30 kill points")
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--per", type=int, help="payments per process (default 250, --quick 25)")
    ap.add_argument("--kills", type=int, help="kill -9 points (default 200, --quick 30)")
    ap.add_argument("--only", default="payments,kill,io,hostile,offices")
    ap.add_argument("--office-payments", type=int, help="payments per office (default 100, --quick 20)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", action="store_true", help="keep the temp books (their path is printed)")
    args = ap.parse_args(argv)
    per = args.per or (25 if args.quick else 250)
    kills = args.kills or (30 if args.quick else 200)
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="wuye-reliability-"))
    head = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    print(f"wuye reliability campaigns at {head or '?'}; books in {tmp}")
    try:
        if "payments" in only:
            show("payments", campaign_payments(tmp, args.procs, per), f" ({args.procs} processes x {per})")
        if "kill" in only:
            show("kill", campaign_kill(tmp, kills, args.seed), f" ({kills} points)")
        if "io" in only:
            show("io", campaign_io(tmp))
        if "hostile" in only:
            show("hostile", campaign_hostile(tmp))
        if "offices" in only:
            n = args.office_payments or (20 if args.quick else 100)
            show("offices", campaign_offices(tmp, n, args.seed), f" (2 offices x {n} payments)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
