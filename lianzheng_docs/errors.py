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
    #: stopped by the user (Ctrl+C): 128 + SIGINT, as shells report it
    INTERRUPTED = 130
    #: the reader of the output went away (``lianzheng ... | head``): 128 + SIGPIPE, as shells report it
    BROKEN_PIPE = 141

    @property
    def label(self) -> str:
        """What the code means, in a few Chinese words (the ``lianzheng --help`` text)."""
        return EXIT_CODE_MEANINGS[self][0]

    @property
    def detail(self) -> str:
        """What else a clerk should know about the code, or ``""`` (the README's exit-code table)."""
        return EXIT_CODE_MEANINGS[self][1]


#: Each exit code's Chinese label and, where it helps, a detail: the one place they are written.
#: Codes that share a value (``UNREADABLE`` is ``USAGE``) share an entry; a member without one
#: fails the tests.
EXIT_CODE_MEANINGS: dict[ExitCode, tuple[str, str]] = {
    ExitCode.OK: ("成功", ""),
    ExitCode.FINDINGS: ("检查发现问题", "格式检查、档案校验、插件检查等"),
    ExitCode.USAGE: ("用法错误", "命令写错，或要检查的文件无法读取"),
    ExitCode.INVALID_INPUT: ("数据有误", "数据文件无法读取、格式错误或不符合模板清单"),
    ExitCode.NOT_FOUND: ("模板或档案不存在", "模板会提示最接近的 id"),
    ExitCode.TEMPLATE: ("模板本身有误", "模板作者的问题"),
    ExitCode.OUTPUT: ("无法写出结果", "输出文件无法写入，或已存在而未加 `--force`"),
    ExitCode.ARCHIVE: ("档案出错", "数据库、文件或检索索引无法完成所要求的操作"),
    ExitCode.INTERNAL: ("内部错误", "程序缺陷，附 traceback"),
    ExitCode.INTERRUPTED: ("已中断", "按了 Ctrl+C"),
    ExitCode.BROKEN_PIPE: ("输出管道已关闭", "读取输出的程序先退出了，如管道后接的 head"),
}


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


class ArchiveError(LianzhengError):
    """The archive cannot do what was asked: its files, its database or its search index.

    Defined here, with the other bases, because both the archive (:mod:`lianzheng_docs.archive.errors`)
    and search, which sits below it (:mod:`lianzheng_docs.search.errors`), raise its kinds.
    """

    exit_code = ExitCode.ARCHIVE
