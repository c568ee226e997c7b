"""Pick the importer for a file by its header columns."""
from __future__ import annotations

from . import (alipay_merchant, alipay_personal, bank_ccb, bank_cmb, bank_icbc, wechat_merchant,
               wechat_personal)
from .base import StatementImporter
from .records import ParsedFile, ParseError

IMPORTERS: list[StatementImporter] = [
    wechat_personal.Importer(), wechat_merchant.Importer(), alipay_personal.Importer(),
    alipay_merchant.Importer(), bank_cmb.Importer(), bank_icbc.Importer(), bank_ccb.Importer(),
]


def identify(path) -> StatementImporter | None:
    matches = [imp for imp in IMPORTERS if imp.identify(str(path))]
    return matches[0] if len(matches) == 1 else None


def parse_any(path) -> ParsedFile:
    matches = [imp for imp in IMPORTERS if imp.identify(str(path))]
    if len(matches) != 1:
        # Re-read with each importer's own rules so the error names what is missing.
        if not matches:
            from .reading import read_table
            read_table(path)  # surfaces encoding/empty/binary errors first
            raise ParseError(path, 'not a known statement export (no importer recognises its header)')
        names = ', '.join(m.source for m in matches)
        raise ParseError(path, f'ambiguous statement: matches {names}')
    return matches[0].parse(str(path))
