"""Batches the desk runs in the background, one at a time per archive, watched from their page.

A batch for a whole roster takes a few seconds a unit (rendering, the 版记's layout in
LibreOffice, filing). The page that starts one returns at once; the work runs in a thread
(:func:`start`), the library's :func:`~lianzheng_docs.duties.batch.run_batch` reporting each unit
as it is done (``on_item``), and the job's page shows how far it is. Jobs live in memory: a
restart forgets the page, not the work (what was filed is in the archive, and running the batch
again makes only what is missing).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..duties.batch import DEFAULT_KINDS, BatchItem, run_batch
from ..duties.roster import Roster
from ..errors import LianzhengError
from ..finishing import finish
from ..templating.catalog import Template
from .documents import libreoffice_turn

#: Finished jobs kept for their pages.
KEEP = 20


@dataclass
class Job:
    """One batch: what it was asked, how far it is, and each unit's outcome."""

    id: str
    template: Template
    year: int | None
    total: int
    actor: str
    #: the shared data and the kinds of unit it was run with (a re-run starts from them)
    base: dict[str, Any] = field(default_factory=dict)
    kinds: tuple[str, ...] = DEFAULT_KINDS
    started: float = field(default_factory=time.time)
    items: list[BatchItem] = field(default_factory=list)
    done: bool = False
    failure: str = ""  # the whole batch stopped (the archive could not be opened, ...)
    warnings: list[str] = field(default_factory=list)
    ended: float | None = None

    def count(self, state: str) -> int:
        return sum(item.state == state for item in self.items)

    @property
    def progress(self) -> int:
        """Units done, 0..total (the roster's problems, listed after the units at the end, not counted)."""
        return min(len(self.items), self.total)


class Jobs:
    """The desk's batches: at most one running per desk (they file into one archive)."""

    def __init__(self, runner: Callable[[Callable[[], None]], None] | None = None) -> None:
        """``runner`` runs a batch's work (a new thread by default; the tests run it at once)."""
        self.runner = runner or _thread
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self) -> Job | None:
        with self._lock:
            return next((job for job in self._jobs.values() if not job.done), None)

    def recent(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.started, reverse=True)

    def start(
        self,
        root: Path,
        template: Template,
        roster: Roster,
        base: Mapping[str, Any],
        *,
        year: int | None,
        kinds: tuple[str, ...] = DEFAULT_KINDS,
        actor: str,
    ) -> Job:
        """Start the batch in the background, or return the one already running."""
        total = sum(unit.kind in kinds for unit in roster.units)
        with self._lock:
            busy = next((job for job in self._jobs.values() if not job.done), None)
            if busy is not None:
                return busy
            job = Job(secrets.token_urlsafe(12), template, year, total, actor, dict(base), tuple(kinds))
            self._jobs[job.id] = job
            self._forget_old()

        def finished(content: bytes, name: str) -> bytes:
            return _finished(job, content, name)

        def work() -> None:
            try:
                with Archive(root, actor=actor) as archive:
                    result = run_batch(template, roster, base, year=year, kinds=kinds, archive=archive,
                                       on_item=job.items.append, finish=finished)  # fmt: skip
                    job.items = list(result.items)  # with the roster's problems, listed after the units
                    job.warnings.extend(w for w in archive.warnings if w not in job.warnings)
            except LianzhengError as exc:
                job.failure = exc.message
            except Exception as exc:  # a bug: the page says so instead of spinning for ever
                job.failure = f"内部错误（程序缺陷）：{type(exc).__name__}"
                raise
            finally:
                job.done, job.ended = True, time.time()

        self.runner(work)
        return job

    def _forget_old(self) -> None:
        finished = sorted((j for j in self._jobs.values() if j.done), key=lambda j: j.started)
        for job in finished[: max(0, len(finished) - KEEP)]:
            del self._jobs[job.id]


def _finished(job: Job, content: bytes, name: str) -> bytes:
    """The pagination step for one unit's document (LibreOffice when it has a 版记), its warnings kept."""
    with libreoffice_turn():  # the desk's previews and PDFs take turns with it
        (result,) = finish([content], names=[name or job.template.title])
    job.warnings.extend(w for w in result.warnings if w not in job.warnings)
    return result.content


def _thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="lianzheng-batch", daemon=True).start()
