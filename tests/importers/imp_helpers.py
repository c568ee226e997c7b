"""Shared helpers for the importer tests: sample paths and golden-file comparison.

A plain module, not a conftest, so it cannot clash with tests/conftest.py.

Regenerate golden files with:  WUYE_GOLDEN_UPDATE=1 pytest tests/importers
(check every changed row against the expectations in test_imp_samples.py first).
"""
from __future__ import annotations

import json
import os
from pathlib import Path


DATA = Path(__file__).parent / 'data'
GOLDEN = Path(__file__).parent / 'golden'


def render(parsed, keep_location: bool = True) -> list[dict]:
    out = []
    for r in parsed.rows:
        d = r.as_dict()
        d['file'] = Path(d['file']).name
        if not keep_location:
            d.pop('file')
            d.pop('row')
        out.append(d)
    return out


def render_summary(parsed) -> dict:
    s = parsed.summary
    return {'rows': s.rows, 'duplicates': s.duplicates, 'net': None if s.net is None else str(s.net),
            'checks': [[c.column, str(c.expected), str(c.actual)] for c in s.checks],
            'warnings': s.warnings}


def check_golden(name: str, parsed) -> None:
    doc = {'summary': render_summary(parsed), 'rows': render(parsed)}
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + '\n'
    path = GOLDEN / f'{name}.json'
    if os.environ.get('WUYE_GOLDEN_UPDATE') == '1':
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding='utf-8')
        return
    assert path.exists(), f'missing golden {path}; run with WUYE_GOLDEN_UPDATE=1'
    assert json.loads(text) == json.loads(path.read_text(encoding='utf-8'))
