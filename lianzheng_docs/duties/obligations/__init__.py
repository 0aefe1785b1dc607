"""Who owes which document by when, and whether the archive holds it.

Obligations are data (``obligations.toml`` beside this module, plus what plugins register with
``lianzheng_obligations``). For a subject year each obligation has a window of dates. A document
counts when it is in the archive, is of the obligation's kind (its template, and/or a keyword in
its 题名), belongs to the right unit when the obligation falls on every unit, and is dated
(成文日期) inside the window. The 成文日期 is the proof rather than the filing time, because paper
documents are often filed weeks after they were signed. Where the 题名 names the subject year
("关于2024年……的报告"), a document dated after the window is recognised as done late. Obligations
that follow events (a meeting, an inspection) are judged against the events clerks record
(:mod:`lianzheng_docs.duties.events`); with none recorded they are listed as 按事件.
"""

from __future__ import annotations

from .judging import status, upcoming
from .loading import load_obligations, plugin_obligations
from .model import STATES, Obligation, Status
from .report import status_html, status_ics, status_xlsx

__all__ = [
    "STATES",
    "Obligation",
    "Status",
    "load_obligations",
    "plugin_obligations",
    "status",
    "status_html",
    "status_ics",
    "status_xlsx",
    "upcoming",
]
