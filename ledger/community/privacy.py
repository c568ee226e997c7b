"""Personal data stays out of the ledger: the one place that recognises it in free text.

Names and phone numbers live only in owners.private.csv; every text that goes into the ledger or an
export passes through here.
"""
from __future__ import annotations

import re
import unicodedata

from ledger.basics.errors import InputError

MAX_TEXT = 300
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
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
    staff = {c.name for c in books.config.collectors}
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


def clean_text(books, text: str | None, what: str, required: bool = True) -> str:
    """Check and normalise a free text for the ledger; raise InputError naming the problem."""
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    if not text:
        if required:
            raise InputError(f"{what} is required")
        return ""
    found = pii_number(text)
    if found:
        raise InputError(f"{what}: the text contains {found}; personal data stays out of the ledger "
                         "(it lives only in owners.private.csv)")
    if books is not None and has_owner_name(books, text):
        raise InputError(f"{what}: the text contains an owner's name; write the unit instead "
                         "(names live only in owners.private.csv)")
    if len(text) > MAX_TEXT:
        raise InputError(f"{what}: {len(text)} characters; keep it under {MAX_TEXT}")
    # beancount strings: no bare double quotes, backslashes or line breaks
    text = re.sub(r"\s*[\r\n]+\s*", " ", text).replace("\\", "＼")
    parts = text.split('"')
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
