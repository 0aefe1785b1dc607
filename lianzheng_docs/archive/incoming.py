"""A transfer package being received: what reading one yields (:class:`Incoming`, its files staged in
the archive's ``tmp/``), why one is not received (:class:`Refusal`, :class:`PackagesRefused`), and the
text of one of its elements, which every check reads.

Read by :mod:`.incoming_reader`, judged by :mod:`.incoming_signature`, received by :mod:`.unpackage`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExitCode, LianzhengError
from .codes import ArchivalCode
from .package import qualified
from .storage import Staged


@dataclass(frozen=True)
class Refusal:
    """One reason a package is not received."""

    package: str
    archival_code: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.package}（档号 {self.archival_code}）" if self.archival_code else self.package
        return f"{where}：{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package, "archival_code": self.archival_code, "message": self.message}


class PackagesRefused(LianzhengError):
    """Packages that cannot be received, every reason listed; nothing was filed (exit 3)."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        lines = "\n".join(f"  - {refusal}" for refusal in refusals)
        super().__init__(f"封装包未接收，档案中什么也没有写入（{len(refusals)} 个问题）：\n{lines}")
        self.refusals = list(refusals)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "refusals": [refusal.to_dict() for refusal in self.refusals]}


@dataclass
class IncomingFile:
    role: str
    format: str
    size: int
    sha256: str
    original_name: str | None
    staged: Staged


@dataclass
class Incoming:
    """A package read and checked: the record it carries, its files staged in ``tmp/``."""

    package: Path
    package_sha256: str
    code: ArchivalCode
    #: the record's columns as the registry holds them (numbers from the 档号, text extracted here)
    values: dict[str, Any]
    files: list[IncomingFile]
    #: verified (with the public key given) | unchecked (its own key only) | unsigned (a digest)
    signature: str
    key: str | None
    created_at: str
    created_by: str
    history: list[dict[str, str]] = field(default_factory=list)

    @property
    def archival_code(self) -> str:
        return str(self.code)


def _text(parent: Any, name: str) -> str:
    element = parent.find(qualified(name))
    return "" if element is None or element.text is None else str(element.text)
