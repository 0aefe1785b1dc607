"""档号 (DA/T 22-2015 5.4): its form, built and checked in one place.

The 文号 (GB/T 9704 7.2.5) the archive numbers documents with is the standard's grammar in
:mod:`lianzheng_docs.gbt9704.docnumber`, the one the validator and the checker use too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The archive's modules take the 文号 helpers from here, next to the 档号 ones.
from ..gbt9704.docnumber import format_doc_number as format_doc_number
from ..gbt9704.docnumber import parse_doc_number as parse_doc_number
from ..templating.manifest import RETENTION_NAMES, RETENTIONS
from .errors import MetadataError

# Codes go into file names and the 档号: letters and digits only, so no name can climb out of
# the archive folder ("../") or break the 档号's "-" and "·" separators.
CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
ARCHIVAL_CODE = re.compile(
    r"^(?P<fonds>[A-Za-z0-9]+)-(?P<category>[A-Za-z]{2})·(?P<year>\d{4})-(?P<retention>Y|D30|D10)"
    r"-(?P<org>[A-Za-z0-9]+)-(?P<item>\d{4,})$"
)


def check_code(value: str, what: str) -> str:
    if not CODE.match(value):
        raise MetadataError(f"{what} {value!r} 只能由字母和数字组成（1 到 16 位），如 Z001、BGS")
    return value


def retention_code(value: str) -> str:
    """Y, D30 or D10 from either form (永久 / 定期30年 / 定期10年)."""
    code = RETENTIONS.get(value, value)
    if code not in RETENTION_NAMES:
        raise MetadataError(f"保管期限 {value!r} 无效：应为 永久、定期30年、定期10年（或 Y、D30、D10）")
    return code


@dataclass(frozen=True)
class ArchivalCode:
    """全宗号-门类代码·年度-保管期限-机构（问题）代码-件号, e.g. Z001-WS·2026-Y-BGS-0001."""

    fonds: str
    category: str
    year: int
    retention: str
    org: str
    item: int

    def __str__(self) -> str:
        return f"{self.fonds}-{self.category}·{self.year}-{self.retention}-{self.org}-{self.item:04d}"

    @property
    def scope(self) -> str:
        """The 件号 sequence this code belongs to."""
        return f"{self.fonds}|{self.year}|{self.retention}|{self.org}"

    @classmethod
    def parse(cls, text: str) -> ArchivalCode:
        match = ARCHIVAL_CODE.match(text.strip())
        if not match:
            raise MetadataError(f"{text!r} 不是有效的档号，应形如 Z001-WS·2026-Y-BGS-0001")
        parts = match.groupdict()
        return cls(parts["fonds"], parts["category"], int(parts["year"]), parts["retention"], parts["org"],
                   int(parts["item"]))  # fmt: skip
