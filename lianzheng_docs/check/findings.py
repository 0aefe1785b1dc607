"""What the checker reports: findings with the standard's clause, and a report per document."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the standard is breached
    WARNING = "warning"  # probably wrong, or the checker is unsure of what it inferred

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class Finding:
    """One breach: which rule and clause, where, what was found against what is wanted."""

    rule: str  # stable id, e.g. "title.bold"
    clause: str  # GB/T 9704-2012 clause ("7.3.1") or another source ("条例第十五条")
    severity: Severity
    message: str
    where: str = ""
    found: str = ""
    expected: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "severity": self.severity.value,
            "message": self.message,
            "where": self.where,
            "found": self.found,
            "expected": self.expected,
        }

    def __str__(self) -> str:
        clause = self.clause if not self.clause[0].isdigit() else f"GB/T 9704 {self.clause}"
        text = f"[{self.severity.label}] {clause} {self.message}"
        if self.where:
            text += f"\n    位置：{self.where}"
        if self.found and self.expected:
            text += f"\n    实际：{self.found}；应为：{self.expected}"
        elif self.found or self.expected:
            text += f"\n    实际：{self.found}" if self.found else f"\n    应为：{self.expected}"
        return text


@dataclass
class Report:
    """The findings for one document, and what kind of document it was judged as."""

    name: str
    kind: str
    kind_inferred: bool
    findings: list[Finding] = field(default_factory=list)
    #: why it was judged as this kind: the signals --kind auto found (标志, 文种, 签发人 ...)
    kind_reasons: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def passed(self) -> bool:
        return not self.errors

    def clauses(self) -> set[str]:
        return {f.clause for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "kind": self.kind,
            "kind_inferred": self.kind_inferred,
            "kind_reasons": list(self.kind_reasons),
            "passed": self.passed,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }
