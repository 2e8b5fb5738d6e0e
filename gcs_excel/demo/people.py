"""Seeded, realistic identifiers for demo data: valid USCCs, resident IDs, licence numbers,
phones and bank accounts, built with the same check functions the validator uses."""

from __future__ import annotations

import datetime as dt
import random

from ..checks.identifiers import USCC_ALPHABET, org_code_check_char, resident_id_check_char, uscc_check_char

# 长沙市 districts: code, name, 片区, roads
DISTRICTS = [
    ("430102", "芙蓉区", "芙蓉片区", ["五一大道", "解放西路", "韶山北路", "车站北路", "八一路"]),
    ("430103", "天心区", "天心片区", ["芙蓉中路", "书院路", "劳动西路", "新开铺路", "友谊路"]),
    ("430104", "岳麓区", "岳麓片区", ["桐梓坡路", "麓山南路", "枫林三路", "银盆南路", "岳麓大道"]),
    ("430105", "开福区", "开福片区", ["湘江中路", "芙蓉北路", "三一大道", "中山路", "北辰路"]),
    ("430111", "雨花区", "雨花片区", ["劳动东路", "万家丽中路", "韶山中路", "香樟路", "圭白路"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅晓东志强海燕雪梅玉兰春生文斌丹丹佳慧思远浩然子涵欣怡宇航"
_ORG_CHARS = [c for c in USCC_ALPHABET if c.isdigit() or c in "ABCDEFGHJKLMNPQRTUWXY"]


class Ids:
    """A seeded source of unique, valid identifiers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value

    def reserve(self, values) -> None:
        """Take values as used (codes already on file), so that none is made again."""
        self._used.update(values)

    def name(self, length: int | None = None) -> str:
        """A Chinese name of the given length (two or three characters)."""
        n = length or self.rng.choice((2, 3, 3))
        return self._unique(lambda: self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(n - 1)))

    def uscc(self, district: str, entity: str = "91") -> str:
        """A valid unified social credit code registered in the given division."""
        def make():
            body = "".join(self.rng.choice(_ORG_CHARS[:10] if i < 2 else _ORG_CHARS) for i in range(8))
            org = body + org_code_check_char(body)
            first17 = entity + district + org
            return first17 + uscc_check_char(first17)
        return self._unique(make)

    def resident_id(self, district: str) -> str:
        """A valid resident ID number of someone born in the given division."""
        def make():
            born = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randrange(25 * 365))
            first17 = f"{district}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            return first17 + resident_id_check_char(first17)
        return self._unique(make)

    def licence(self, district: str, holder: str = "2") -> str:
        """A new, unique tobacco retail licence number in the division, of the holder type given."""
        return self._unique(lambda: f"{district}{holder}{self.rng.randrange(1, 100000):05d}")

    def mobile(self) -> str:
        """A valid mobile number."""
        return self._unique(lambda: self.rng.choice(("138", "139", "137", "150", "158", "186", "189", "199"))
                            + f"{self.rng.randrange(10 ** 8):08d}")

    def landline(self) -> str:
        """A valid Changsha landline number with its area code."""
        return self._unique(lambda: f"0731-8{self.rng.randrange(10 ** 7):07d}")

    def bank_account(self) -> str:
        """A bank account number of 19 digits."""
        return self._unique(lambda: "1901" + "".join(str(self.rng.randrange(10)) for _ in range(15)))
