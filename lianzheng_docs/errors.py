"""The exceptions lianzheng-docs raises, and the one table that maps them to exit codes.

Every error carries a Chinese message meant for the clerk who will read it: what is wrong,
where (field, file), and how to put it right. Callers catch :class:`LianzhengError`; the CLI
turns ``exit_code`` into the process's exit status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``lianzheng`` command. Stable: scripts depend on them."""

    OK = 0
    #: the command ran and found problems in what it judged (e.g. a conformance check)
    FINDINGS = 1
    #: wrong command-line usage (click's own code)
    USAGE = 2
    #: a file to check cannot be read as a .docx (same code as usage errors: nothing was judged)
    UNREADABLE = 2
    #: the input data is unreadable, malformed or does not satisfy the template's manifest
    INVALID_INPUT = 3
    #: the named template (or other object) does not exist
    NOT_FOUND = 4
    #: a template or its manifest is broken: a problem for the template's author, not the clerk
    TEMPLATE = 5
    #: the output cannot be written, or exists and ``--force`` was not given
    OUTPUT = 6
    #: the archive (its database, files or search index) cannot do what was asked
    ARCHIVE = 7
    #: an unexpected failure: a bug, reported with a traceback
    INTERNAL = 70


class LianzhengError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description, for ``--json`` output and for other systems."""
        return {"error": type(self).__name__, "message": self.message, "exit_code": int(self.exit_code)}


class DataFileError(LianzhengError):
    """A data file cannot be read or parsed (YAML/JSON syntax, encoding, not a mapping)."""

    exit_code = ExitCode.INVALID_INPUT


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data given for a template."""

    path: str  # where, e.g. "tasks[2].deadline"
    label: str  # the same place in Chinese, e.g. "年度任务 第3行 完成时限"
    message: str  # what was expected, in Chinese

    def __str__(self) -> str:
        where = self.label if self.label == self.path else f"{self.label}（{self.path}）"
        return f"{where}：{self.message}"


class ProblemsError(LianzhengError):
    """Input with several things wrong: every problem is listed (and given in ``to_dict``), not the first."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, subject: str, problems: list[Problem]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{subject}有 {len(problems)} 处问题：\n{lines}")
        self.problems = problems

    def to_dict(self) -> dict[str, object]:
        data = super().to_dict()
        data["problems"] = [{"path": p.path, "label": p.label, "message": p.message} for p in self.problems]
        return data


class ValidationError(ProblemsError):
    """The data does not satisfy the template's manifest. Lists every problem, not the first."""

    def __init__(self, template_id: str, problems: list[Problem]) -> None:
        super().__init__(f"模板 {template_id} 的数据", problems)
        self.template_id = template_id

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "template": self.template_id}


class TemplateNotFound(LianzhengError):
    """No template has the requested id."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, template_id: str, known: list[str]) -> None:
        from difflib import get_close_matches

        hint = get_close_matches(template_id, known, n=1)
        suggestion = f"，是否想用 {hint[0]}？" if hint else "。"
        super().__init__(f"没有 id 为 {template_id!r} 的模板{suggestion}可用 `lianzheng templates list` 查看全部模板。")
        self.template_id = template_id


class TemplateError(LianzhengError):
    """A template or its manifest is broken, or rendering it failed."""

    exit_code = ExitCode.TEMPLATE


class OutputError(LianzhengError):
    """The output path cannot be written, or exists and overwriting was not allowed."""

    exit_code = ExitCode.OUTPUT
