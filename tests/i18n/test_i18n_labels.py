"""The label table is the only place the domain words are spelled, and every front end reads it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from ledger.basics import labels
from tui import i18n

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "tui", "cli", "fava_ext", "importers")
LABELS_FILE = REPO / "ledger" / "basics" / "labels.py"
CATALOG_SOURCE = REPO / "tui" / "i18n.py"  # the TUI's msgids (UI labels such as the 减免 column header)

# the words the issue names: posting kinds, payment channels and 违约金
WORDS = {lb.zh for lb in labels.KINDS.values()} | {lb.zh for lb in labels.CHANNELS.values()} | {labels.ITEMS["LATE"].zh}


def _python_literals(path: Path):
    """(line, text) of the string constants of a module that can act as a word of their own: dict values,
    pairs, comparisons, fallbacks, arguments. Left out: docstrings, pieces of f-strings (sentences) and
    elements of a list literal (a table's header row or row: UI text, translated through the catalog)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.List):
            skip.update(id(v) for v in node.elts)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def test_domain_words_are_spelled_only_in_the_label_table():
    found = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            if path in (LABELS_FILE, CATALOG_SOURCE):
                continue
            for line, text in _python_literals(path):
                if text in WORDS:
                    found.append(f"{path.relative_to(REPO)}:{line}: {text!r}")
        for path in sorted((REPO / pkg).rglob("*.html")):
            for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for m in re.finditer(r"'([^'<>{}]*)'|\"([^\"<>{}]*)\"", line):
                    if (m.group(1) or m.group(2)) in WORDS:
                        found.append(f"{path.relative_to(REPO)}:{line_no}: {m.group(0)}")
    assert not found, "domain words spelled outside ledger/basics/labels.py:\n" + "\n".join(found)


def test_the_check_would_see_a_copy():
    # the scan above must be able to fail: a module spelling a channel is caught
    sample = REPO / "tests" / "i18n" / "_sample_copy.py"
    sample.write_text('CHANNELS = {"wechat": "微信支付"}\nNOTE = f"{1} 微信支付"\nHEADS = ["减免"]\n'
                      'NAME = "违约金" if True else ""\n', encoding="utf-8")
    try:
        assert [t for _, t in _python_literals(sample) if t in WORDS] == ["微信支付", "违约金"]
    finally:
        sample.unlink()


def test_every_word_has_both_languages():
    for name, group in labels.GROUPS.items():
        for key, lb in group.items():
            assert lb.zh and lb.en, (name, key)
            assert re.search(r"[\u4e00-\u9fff]", lb.zh), (name, key, lb.zh)
            assert not re.search(r"[\u4e00-\u9fff]", lb.en), (name, key, lb.en)


def test_tui_reads_domain_words_from_the_table():
    try:
        i18n.set_lang("zh")
        assert i18n.t("ch_wechat") == labels.CHANNELS["wechat"].zh == "微信支付"
        assert i18n.t("kind_arrears") == "欠费追回" and i18n.t("st_partly_paid") == labels.STATUSES["partly_paid"].zh
        assert i18n.t("cat_leak") == "渗漏" and i18n.t("cc_letter") == "书面催缴"
        i18n.set_lang("en")
        assert i18n.t("ch_wechat") == "WeChat" and i18n.t("kind_credit") == "from credit"
        assert i18n.t("op_refund") == "refund" and i18n.t("st_voided") == "void"
        assert i18n.t("ch_nonsense") == "ch_nonsense"  # an unknown key shows as itself
    finally:
        i18n.set_lang("zh")


def test_payer_text():
    assert labels.payer_text("tenant 吴**") == "租户 吴**"
    assert labels.payer_text(None) == "业主"
    assert labels.payer_text("tenant 吴**", "en") == "tenant 吴**"
    assert labels.label("channel", "carrier-pigeon") == "carrier-pigeon"
    assert labels.label("kind", None, default="") == ""


def test_dashboard_takings_name_void_and_refund_lines_from_the_table():
    """今日/本月收款 list channels, then voids and refunds on their own lines: each named by the label table."""
    from tui.screens.dashboard import channel_label

    try:
        i18n.set_lang("zh")
        assert channel_label("void") == labels.OPS["void"].zh == "作废"
        assert channel_label("refund") == labels.OPS["refund"].zh == "退款"
        assert channel_label("wechat") == "微信支付" and channel_label("carrier-pigeon") == "carrier-pigeon"
        i18n.set_lang("en")
        assert channel_label("void") == "void" and channel_label("refund") == "refund"
        assert channel_label("wechat") == "WeChat"
    finally:
        i18n.set_lang("zh")
