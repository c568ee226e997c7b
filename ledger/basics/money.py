"""Money: Decimal only. Rounding, parsing and the Chinese capital form live here and nowhere else."""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ledger.basics.errors import InputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_AMOUNT_RE = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")


def q(value: Decimal) -> Decimal:
    """Round half-up to the cent: the one rounding rule of the books."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    v = Decimal(value)
    if v != v.quantize(CENT):
        raise ValueError(f"amount {value} has more than two decimals")
    return int(v * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def parse_amount(text: str, what: str = "amount", allow_zero: bool = False,
                 allow_negative: bool = False) -> Decimal:
    """Parse a user-typed amount: NFKC, strip ¥ and thousands commas, at most two decimals."""
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace("¥", "").replace(",", "").replace(" ", "")
    if not _AMOUNT_RE.match(raw):
        raise InputError("bad_amount", what=what, text=text)
    try:
        value = Decimal(raw).quantize(CENT)
    except InvalidOperation as exc:  # pragma: no cover - regex already guards
        raise InputError(f"{what}: '{text}' is not a number") from exc
    if value < 0 and not allow_negative:
        raise InputError("negative_amount", what=what, value=value)
    if value == 0 and not allow_zero:
        raise InputError("zero_amount", what=what)
    return value


def fmt(value: Decimal, symbol: str = "") -> str:
    """1234.5 -> '1,234.50' (with an optional ¥)."""
    v = q(Decimal(value))
    sign = "-" if v < 0 else ""
    return f"{sign}{symbol}{abs(v):,.2f}"


def plain(value: Decimal) -> str:
    """Amount as a JSON string with two decimals."""
    return f"{q(Decimal(value)):.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "兆"]


def chinese_capital(value: Decimal) -> str:
    """Amount in Chinese financial capitals as printed on receipts: 1234.50 -> 壹仟贰佰叁拾肆元伍角整."""
    v = q(Decimal(value))
    if v < 0:
        return "负" + chinese_capital(-v)
    yuan = int(v)
    jiao = int((v * 10) % 10)
    fen = int((v * 100) % 10)
    parts: list[str] = []
    if yuan == 0:
        head = ""
    else:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        head = ""
        zero_pending = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero_pending = True
                continue
            if head and (zero_pending or g < 1000):
                head += "零"
            zero_pending = False
            s = ""
            digits = [g // 1000, (g // 100) % 10, (g // 10) % 10, g % 10]
            inner_zero = False
            for pos, d in enumerate(digits):
                if d == 0:
                    if s:
                        inner_zero = True
                    continue
                if inner_zero:
                    s += "零"
                    inner_zero = False
                s += _DIGITS[d] + _SMALL[3 - pos]
            head += s + _BIG[gi]
        head += "元"
    parts.append(head)
    if jiao == 0 and fen == 0:
        return (head or "零元") + "整"
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen:
        parts.append(_DIGITS[fen] + "分")
    # 《支付结算办法》: 整 after 元 is required, after 角 optional; we omit it there.
    return "".join(parts)
