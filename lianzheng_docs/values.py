"""The value types templates receive: dates, people and units that print the Chinese way.

Validation turns plain data (YAML, JSON, dicts) into these, so a template writes ``{{ date }}``
and gets ``2026年1月5日`` (GB/T 9704 7.3.5.4: no leading zeros), ``{{ secretary }}`` and gets the
person's name, and can still reach ``{{ date.year }}`` or ``{{ secretary.post }}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .gbt9704.dates import format_date


class CnDate(date):
    """A date whose text form is 2026年1月5日, with no leading zeros."""

    def __str__(self) -> str:
        return format_date(self.year, self.month, self.day)

    @property
    def iso(self) -> str:
        return self.isoformat()

    @property
    def compact(self) -> str:
        """YYYYMMDD, the form of 日期 in an 归档文件目录."""
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"

    @classmethod
    def of(cls, value: date) -> CnDate:
        return cls(value.year, value.month, value.day)


@dataclass(frozen=True)
class Person:
    """A named person and, optionally, their post (职务), e.g. 张建国, 局党组书记."""

    name: str
    post: str = ""

    def __str__(self) -> str:
        return self.name

    @property
    def with_post(self) -> str:
        """ "局党组书记张建国" (post then name, as official prose writes it), or the name alone."""
        return f"{self.post}{self.name}"

    def renamed(self, name: str) -> Person:
        """The same person under another name, as masking (通报曝光) writes them: 张某某, same post."""
        return Person(name, self.post)


@dataclass(frozen=True)
class Unit:
    """An organ or department, with its full name and an optional short name (简称)."""

    name: str
    short: str = ""

    def __str__(self) -> str:
        return self.name
