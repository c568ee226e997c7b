"""Money: Decimal only. Rounding and the Chinese capital form live here and nowhere else (parsing: basics/parse)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# parse_amount lives with the other input parsers; it is re-exported here where callers expect it.
from ledger.basics.parse import CENT, MAX_AMOUNT, parse_amount  # noqa: F401

ZERO = Decimal("0.00")


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
