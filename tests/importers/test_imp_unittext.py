"""Unit-text matching: every remark from samples/README.md plus the normalisation cases."""
import time

import pytest

from importers.unittext import UnitIndex, build_index, match_unit, normalise

REGISTER = ('1-0302', '1-1502', '2-1101', '3-0801', '3-1502', '4-1702', '5-1502', '5-2203', '6-0604',
            '2-1-0601')
AMBIG_1502 = ('1-1502', '3-1502', '5-1502')

# (remark, unit, candidates, needs_review, item_hint)
CASES = [
    # wechat_personal.csv
    ('3-1502物业费', '3-1502', ('3-1502',), False, 'PF'),
    ('3栋1502室 车位费', '3-1502', ('3-1502',), False, 'PK'),
    ('５栋２２０３', '5-2203', ('5-2203',), False, None),
    ('B3 1502', None, ('3-1502',), True, None),
    ('', None, (), True, None),                              # 105: no 留言
    ('1-302物业费+车位', '1-0302', ('1-0302',), False, 'PF'),
    ('2号楼1101 2024年全年物业费', '2-1101', ('2-1101',), False, 'PF'),
    ('6-604装修押金', '6-0604', ('6-0604',), False, 'DEP'),
    ('4栋1702 水费', '4-1702', ('4-1702',), False, 'WTR'),
    ('退3-1502多交车位费', '3-1502', ('3-1502',), False, 'PK'),
    ('３－１５０２', '3-1502', ('3-1502',), False, None),
    ('三栋八零一', '3-0801', ('3-0801',), False, None),
    ('3-0801 物业费 先交一部分', '3-0801', ('3-0801',), False, 'PF'),
    ('物业费', None, (), True, 'PF'),                          # 122: unresolved
    ('5-1502物业费', '5-1502', ('5-1502',), False, 'PF'),
    # wechat_merchant.csv 商品名称 / attach
    ('物业费-3栋1502-2024Q2', '3-1502', ('3-1502',), False, 'PF'),
    ('物业费-5-2203', '5-2203', ('5-2203',), False, 'PF'),
    ('车位管理费-3-1502-A017', '3-1502', ('3-1502',), False, 'PK'),
    ('物业费-2号楼1101-2024全年', '2-1101', ('2-1101',), False, 'PF'),
    ('物业费-4-1702-2024-03', '4-1702', ('4-1702',), False, 'PF'),
    ('物业费-３栋０８０１', '3-0801', ('3-0801',), False, 'PF'),
    ('装修押金-6栋604', '6-0604', ('6-0604',), False, 'DEP'),
    ('水费-4-1702-2月', '4-1702', ('4-1702',), False, 'WTR'),
    ('临时停车', None, (), True, None),
    ('物业费-3幢1502', '3-1502', ('3-1502',), False, 'PF'),
    ('物业费-1-302', '1-0302', ('1-0302',), False, 'PF'),
    ('滞纳金-5-2203', '5-2203', ('5-2203',), False, 'LATE'),
    ('物业费-5-1502', '5-1502', ('5-1502',), False, 'PF'),
    ('unit=3-1502', '3-1502', ('3-1502',), False, None),
    # alipay_personal.csv
    ('收钱码收款 ５-２２０３', '5-2203', ('5-2203',), False, None),
    ('退还3-0801多缴物业费', '3-0801', ('3-0801',), False, 'PF'),
    ('B区3栋1502 车位费', None, ('3-1502',), True, 'PK'),
    ('1502物业费', None, AMBIG_1502, True, 'PF'),
    ('3号楼15楼02', '3-1502', ('3-1502',), False, None),
    ('2-1101 2024年1-6月', '2-1101', ('2-1101',), False, None),
    ('6-0604 水电', '6-0604', ('6-0604',), False, 'WTR'),
    ('4栋1702 物业费+滞纳金', '4-1702', ('4-1702',), False, 'PF'),
    ('5-2203物业费（代缴）', '5-2203', ('5-2203',), False, 'PF'),
    ('1-0302 物业费', '1-0302', ('1-0302',), False, 'PF'),
    ('3-1502 物业费 2023年欠费', '3-1502', ('3-1502',), False, 'PF'),
    ('花呗红包抵扣', None, (), True, None),
    # bank_cmb.csv
    ('翠湖苑2024Q1空置房物业费(明细见附件)', None, (), True, 'PF'),
    ('二号楼1101物业费', '2-1101', ('2-1101',), False, 'PF'),
    ('微信支付结算20240305', None, (), True, None),
    ('1502', None, AMBIG_1502, True, None),
    ('商铺S-03 2024年3月物业费', None, (), True, 'PF'),
    ('5-2203 物业费 叁个月', '5-2203', ('5-2203',), False, 'PF'),
    ('3-1502 维修基金', '3-1502', ('3-1502',), False, 'FUND'),
    ('３－１５０２物业费', '3-1502', ('3-1502',), False, 'PF'),
    ('前台现金 3/1-3/3', None, (), True, None),
    # normalisation cases from the brief
    ('2-1-601', '2-1-0601', ('2-1-0601',), False, None),
    ('2栋1单元601', '2-1-0601', ('2-1-0601',), False, None),
    ('二号楼1101', '2-1101', ('2-1101',), False, None),
    ('3栋1502室', '3-1502', ('3-1502',), False, None),
    ('3#1502 违约金', '3-1502', ('3-1502',), False, 'LATE'),
    ('3-15\u200b02物业费', '3-1502', ('3-1502',), False, 'PF'),
    ('叁栋捌零壹', '3-0801', ('3-0801',), False, None),
    ('二栋一单元六零一', '2-1-0601', ('2-1-0601',), False, None),
    ('维修资金 3-1502', '3-1502', ('3-1502',), False, 'FUND'),
    ('押金 6-0604', '6-0604', ('6-0604',), False, 'DEP'),
    ('停车 3-1502', '3-1502', ('3-1502',), False, 'PK'),
    ('3-1502 和 5-2203', None, ('3-1502', '5-2203'), True, None),
]


@pytest.mark.parametrize('text,unit,cands,review,item', CASES)
def test_sample_remarks(text, unit, cands, review, item):
    m = match_unit(text, REGISTER)
    assert (m.unit, m.candidates, m.needs_review, m.item_hint) == (unit, cands, review, item), m


def test_reasons():
    assert match_unit('3-1502物业费', REGISTER).reason == 'exact'
    assert match_unit('1502物业费', REGISTER).reason == 'ambiguous: bare room 1502 in buildings 1,3,5'
    assert match_unit('B区3栋1502', REGISTER).reason == 'zone prefix B区 unknown'
    assert match_unit('B3 1502', REGISTER).reason == 'zone prefix B3 unknown'
    assert match_unit('商铺S-03 2024年3月物业费', REGISTER).reason == 'unknown unit S-03'
    assert match_unit('7-0101', REGISTER).reason == 'unknown unit 7-0101'
    assert match_unit('', REGISTER).reason == 'no unit text'


def test_shop_in_register_is_exact():
    assert match_unit('商铺S-03 物业费', REGISTER + ('S-03',)).unit == 'S-03'


@pytest.mark.parametrize('text,periods', [
    ('2号楼1101 2024年全年物业费', [f'2024-{m:02d}' for m in range(1, 13)]),
    ('3-1502 物业费 2023年欠费', [f'2023-{m:02d}' for m in range(1, 13)]),
    ('2-1101 2024年1-6月', [f'2024-{m:02d}' for m in range(1, 7)]),
    ('物业费-3栋1502-2024Q2', ['2024-04', '2024-05', '2024-06']),
    ('period=2024-04~2024-06', ['2024-04', '2024-05', '2024-06']),
    ('商铺S-03 2024年3月物业费', ['2024-03']),
    ('物业费-4-1702-2024-03', ['2024-03']),
    ('水费-4-1702-2月', []),              # no year: not clear enough
    ('5-2203 物业费 叁个月', []),
])
def test_period_hint(text, periods):
    assert list(match_unit(text, REGISTER).period_hint) == periods


def test_period_text_kept():
    m = match_unit('2号楼1101 2024年全年物业费', REGISTER)
    assert m.period_text == '2024年全年'


def test_items_lists_every_item():
    assert match_unit('1-302物业费+车位', REGISTER).items == ('PF', 'PK')
    assert match_unit('4栋1702 物业费+滞纳金', REGISTER).items == ('PF', 'LATE')


def test_never_uses_amounts():
    # Same text, amounts are not an input: the signature has no amount at all.
    assert match_unit('264.00', REGISTER).unit is None
    assert match_unit('216.70', REGISTER).candidates == ()


def test_normalise():
    assert normalise('３－１５０２') == '3-1502'
    assert normalise('二号楼1101') == '2栋1101'
    assert normalise('十二') == '12' and normalise('二十三') == '23'


def test_speed_10k_rows_5k_units():
    units = tuple(f'{b}-{f:02d}{r:02d}' for b in range(1, 26) for f in range(1, 41) for r in range(1, 6))
    assert len(units) == 5000
    texts = ['3-1502物业费', '1502物业费', 'B区3栋1502 车位费', '三栋八零一', '转账', '２栋１单元６０１'] * 1700
    idx = build_index(units)
    assert isinstance(idx, UnitIndex)
    t0 = time.perf_counter()
    for t in texts:
        match_unit(t, units)                 # tuple register: index cached
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0, elapsed
    assert len(match_unit('1502', units).candidates) == 25


def test_mutable_register_is_never_stale():
    units = list(REGISTER)
    assert match_unit('9-0101', units).unit is None
    units.append('9-0101')
    assert match_unit('9-101', units).unit == '9-0101'
