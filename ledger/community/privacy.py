"""Personal data stays out of the ledger: the one place that recognises it in free text.

Names and phone numbers live only in owners.private.csv; every text that goes into the ledger or an
export passes through here.
"""
from __future__ import annotations

import re
import unicodedata

from ledger.basics.errors import InputError
from ledger.basics.parse import neutral_text

MAX_TEXT = 300
_PHONE = re.compile(r"(?<!\d)(?:0{0,2}86)?1[3-9]\d{9}(?!\d)")  # with or without +86 / 0086
_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_DIGIT_SEP = re.compile(r"(?<=\d)[\s\-.·]+(?=\d)")


def pii_number(text: str) -> str | None:
    """What kind of personal number the text holds ('a mobile phone number', ...), or None."""
    norm = unicodedata.normalize("NFKC", text or "")
    for candidate in (norm, _DIGIT_SEP.sub("", norm)):  # also "138 1234 5678", "138-1234-5678"
        if _PHONE.search(candidate):
            return "a mobile phone number"
        if _ID18.search(candidate):
            return "an ID card number"
    return None


# A digit run with the separators people type (138 1234 5678, +86-138-1234-5678, 4201 0619 9001 0112 34).
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-.·]*[\dXxＸｘ])+")
_OLD_ID15 = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")  # first-generation ID cards


def redact(text: str | None, books=None) -> str:
    """Text from outside (a bank remark, a payer's nickname) with personal data masked: '***' for phone
    and ID numbers, however spaced, '**' for owners' names (`books` given). For texts we may not refuse;
    what a person types is refused instead (clean_text)."""
    out = _DIGIT_RUN.sub(lambda m: "***" if pii_number(m.group(0)) or _OLD_ID15.fullmatch(
        unicodedata.normalize("NFKC", re.sub(r"[\s\-.·+]", "", m.group(0)))) else m.group(0), text or "")
    if books is not None:
        short, long_ = owner_names(books)
        for name in sorted(short | set(long_), key=len, reverse=True):
            out = out.replace(name, "**")
    return neutral_text(out)


def owner_names(books) -> tuple[set[str], list[str]]:
    """Owners' names (2+ characters, collectors excluded): short ones as a set, long ones as a list.

    Cached on the Books object per modification time of the private file (a batch of 5,000 notices
    must not re-read it 5,000 times)."""
    from ledger.community.units import OWNERS_FILE

    path = books.root / OWNERS_FILE
    stamp = path.stat().st_mtime_ns if path.exists() else None
    cached = getattr(books, "_owner_names", None)
    if cached and cached[0] == stamp:
        return cached[1]
    staff = operators(books.config)
    names = {(o.name or "").strip() for o in books.owners().values()}
    names = {n for n in names if len(n) >= 2 and n not in staff}
    value = ({n for n in names if len(n) <= 4}, [n for n in names if len(n) > 4])
    books._owner_names = (stamp, value)
    return value


def has_owner_name(books, text: str) -> bool:
    short, long_ = owner_names(books)
    if short:
        for size in (2, 3, 4):
            for i in range(len(text) - size + 1):
                if text[i:i + size] in short:
                    return True
    return any(n in text for n in long_)


def clean_text(books, text: str | None, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Check and normalise a free text for the ledger; raise InputError naming the problem. A text
    that starts like a spreadsheet formula (= + - @) gets a leading apostrophe (parse.neutral_text)."""
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    if not text:
        if required:
            raise InputError("required", what=what)
        return ""
    found = pii_number(text)
    if found:
        raise InputError("personal_number", what=what, found=found)
    if books is not None and has_owner_name(books, text):
        raise InputError("owner_name_in_text", what=what)
    if len(text) > limit:
        raise InputError("text_too_long", what=what, n=len(text), limit=limit)
    # beancount strings: no bare double quotes, backslashes or line breaks
    text = re.sub(r"\s*[\r\n]+\s*", " ", text).replace("\\", "＼")
    parts = text.split('"')
    return neutral_text("".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1])


# --- operators: who recorded or approved something is an id from config.yaml, never a free name ---

SYSTEM_OPERATOR = "wuye"  # the program itself, when no person is named (demo builds, tests)
MAX_REF = 64
_AUTHOR_RE = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>$")


def operators(config) -> set[str]:
    """Every id that may stand in `by`, `collector` or a commit author: config `staff` and the collectors."""
    return {SYSTEM_OPERATOR, *config.staff, *(c.name for c in config.collectors)}


def operator(config, by: str | None = None, what: str = "--by") -> str:
    """The operator named by `by`, else by $WUYE_USER, else the program; refused unless configured."""
    import os

    if by is None or not str(by).strip():
        env = os.environ.get("WUYE_USER")
        by, what = (env, "WUYE_USER") if env and env.strip() else (SYSTEM_OPERATOR, what)
    value = unicodedata.normalize("NFC", str(by)).strip()
    found = pii_number(value)
    if found:
        raise InputError(f"{what}: the text contains {found}; name an operator id from config.yaml "
                         "(staff or collectors)")
    known = operators(config)
    if value not in known:
        raise InputError(f"{what}: '{value}' is not an operator in config.yaml; add it under `staff:` "
                         f"(known: {', '.join(sorted(known))})")
    return value


def commit_author(config, text: str | None) -> str | None:
    """$WUYE_AUTHOR as a git author 'ID <email>': the id a configured operator, no personal data."""
    if text is None or not text.strip():
        return None
    m = _AUTHOR_RE.match(unicodedata.normalize("NFC", text).strip())
    if not m:
        raise InputError("author_format", text=text)
    found = pii_number(text)
    if found:
        raise InputError("author_personal_number", found=found)
    operator(config, m.group("name"), "WUYE_AUTHOR")
    return f"{m.group('name')} <{m.group('email')}>"


def clean_ref(books, ref: str | None, what: str = "--ref") -> str | None:
    """A channel reference (bank serial, WeChat order no.): bounded, no personal data; None if empty."""
    return clean_text(books, ref, what, required=False, limit=MAX_REF) or None
