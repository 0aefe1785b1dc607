"""Exit codes as HTTP statuses: the one table, and errors as the JSON the CLI's ``--json`` gives.

A library error means the same over HTTP as on the command line: the body is the error's
``to_dict()`` (``error``, ``message``, ``exit_code`` and, for data with problems, ``problems``,
each with ``path``, ``label`` and ``message``), and the status is looked up here.
"""

from __future__ import annotations

from ..errors import ExitCode, LianzhengError

#: ExitCode -> HTTP status. Every member has an entry (a test holds it to that).
HTTP_STATUS: dict[ExitCode, int] = {
    ExitCode.OK: 200,
    ExitCode.FINDINGS: 200,  # a check that found problems answered the question: the findings are the answer
    ExitCode.USAGE: 400,  # also UNREADABLE: the request (or the file sent) cannot be used
    ExitCode.INVALID_INPUT: 422,
    ExitCode.NOT_FOUND: 404,
    ExitCode.TEMPLATE: 500,  # the template's author's problem, not the caller's
    ExitCode.OUTPUT: 409,  # the result cannot be written as asked (it exists, or the place is taken)
    ExitCode.ARCHIVE: 503,  # the archive cannot do it now (locked, full disk, damaged): try again later
    ExitCode.INTERNAL: 500,
    ExitCode.INTERRUPTED: 503,
    ExitCode.BROKEN_PIPE: 500,
}


def http_status(error: LianzhengError) -> int:
    """The HTTP status for ``error``: its own (403 a role that may not, 401 not signed in), else by exit code."""
    own = getattr(error, "http_status", None)
    return own if isinstance(own, int) else HTTP_STATUS.get(error.exit_code, 500)


def internal_error_body() -> dict[str, object]:
    """What a caller is told of a bug (the traceback goes to the server's log, not to the caller)."""
    return {"error": "InternalError", "message": "内部错误（程序缺陷），详情已写入服务器日志",
            "exit_code": int(ExitCode.INTERNAL)}  # fmt: skip
