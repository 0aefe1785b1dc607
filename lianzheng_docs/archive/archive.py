"""The archive: number, file, find and verify documents (DA/T 22-2015, DA/T 46-2009).

Filing is one ordered sequence of small steps: the file is staged (copied in and hashed), its
format and text are read, then one registry transaction takes the numbers (件号, and the 文号
when the archive assigns it), renders the document when it is generated, writes the record,
its file row and the audit entry, and puts the file in place. Any failure rolls everything
back, numbers included; the staged file is always removed. The search index is updated after
the commit and, being derived, is caught up or rebuilt from the registry whenever it lags
(:mod:`.indexing`).
"""

from __future__ import annotations

import builtins
import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import TemplateError
from ..gbt9704 import docnumber
from ..search import open_engine
from .codes import ArchivalCode, check_code, format_doc_number, parse_doc_number, retention_code
from .derived import (
    current_user,
    meta_from_rendered,
    numbering_year,
    own_title,
)
from .errors import (
    AlreadyFiled,
    ArchiveError,
    ArchiveNotFound,
    DiskFull,
    DuplicateDocument,
    MetadataError,
    RecordNotFound,
    disk_full,
)
from .export import export, import_archive
from .extract import checked_format, extract, readable_text
from .history import History
from .indexing import Indexing
from .records import FutureDateError, Record, RecordMeta, future_date_warning
from .registry import AUDITED_COLUMNS, Registry, now, row_digest
from .storage import Staged, digest_of, place, stage
from .verify import VerifyReport, verify

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ..templating.catalog import Template

ENV_ROOT = "LIANZHENG_ARCHIVE"
DEFAULT_ROOT = Path("archive")
REGISTRY = "registry.sqlite3"
DEFAULTS = {"fonds": "Z001", "category": "WS", "org": "BGS", "retention": "D30"}


def resolve_root(root: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder: the one given, else ``$LIANZHENG_ARCHIVE``, else ``./archive``."""
    if root:
        return Path(root)
    return Path(os.environ.get(ENV_ROOT) or DEFAULT_ROOT)


class Archive(Indexing, History):
    """An archive folder: ``registry.sqlite3``, ``files/<年度>/<档号>.<ext>``, ``index/``, ``tmp/``."""

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        actor: str | None = None,
        lock_timeout: float = 30.0,
        create: bool = True,
    ) -> None:
        """Open the archive at ``root``; with ``create`` (for commands that file) make it where there is none.

        Commands that only read pass ``create=False``: where there is no archive they raise
        :class:`ArchiveNotFound` and leave nothing behind, instead of answering from a new, empty one.
        """
        self.root = resolve_root(root)
        if not create and not (self.root / REGISTRY).is_file():
            raise ArchiveNotFound(self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if disk_full(exc, self.root):
                raise DiskFull(self.root, "无法创建档案文件夹") from exc
            raise ArchiveError(f"无法创建档案文件夹 {self.root}：{exc.strerror}") from exc
        self.registry = Registry(self.root / REGISTRY)
        self.index = open_engine(self.root / "index", lock_timeout=lock_timeout)
        self.actor = actor or os.environ.get("LIANZHENG_USER") or current_user()
        self._index_checked = False  # the index's schema and health are checked once per Archive
        self._deferred = 0  # > 0 inside indexing_deferred(): filings are indexed on leaving it
        #: what went wrong after a filing without undoing it (a plugin's complaint, the index or the
        #: checkpoint left behind): the registry's own list, so that both add to it
        self.warnings: list[str] = self.registry.warnings

    def close(self) -> None:
        self.index.close()
        self.registry.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ settings

    def setting(self, key: str) -> str:
        return self.registry.setting(key, DEFAULTS[key])

    def configure(self, *, fonds: str | None = None, org: str | None = None) -> None:
        """Set the 全宗号 and the default 机构（问题）代码 of this archive."""
        with self.registry.transaction():
            if fonds:
                self.registry.set_setting("fonds", check_code(fonds, "全宗号"))
            if org:
                self.registry.set_setting("org", check_code(org, "机构代码"))
            self.registry.audit(self.actor, "configure", None, {"fonds": fonds, "org": org})

    # ------------------------------------------------------------------ filing

    def add(
        self,
        source: Path,
        meta: RecordMeta | None = None,
        *,
        allow_duplicate: bool = False,
        allow_future_date: bool = False,
    ) -> Record:
        """File an external document (a received PDF or .docx) with the metadata given.

        A 成文日期 after today is refused (:class:`FutureDateError`) unless ``allow_future_date``;
        then it is filed with a warning in :attr:`warnings`."""
        meta = meta or RecordMeta()
        future = self._check_date(meta.date, allow_future_date)
        if not source.is_file():
            raise MetadataError(f"找不到要归档的文件 {source}")
        if source.stat().st_size == 0:
            raise MetadataError(f"{source} 是空文件（0 字节），不能归档")
        with self._staged(source) as staged:
            fmt = checked_format(staged.head, staged.path, source)
            text, pages = readable_text(staged.path, fmt, source)
            _refuse_draft(text, source)
            if not meta.title:
                meta.title = own_title(staged.path, fmt) or source.stem
            with self._transaction_filing() as placed:
                record_id = self._insert(
                    staged, fmt, meta, text, pages or meta.page_count,
                    source="external", template_id=None, allow_duplicate=allow_duplicate,
                    original_name=source.name, placed=placed,
                )  # fmt: skip
        if future:
            self.warnings.append(future)
        return self._filed(record_id)

    def file_rendered(
        self,
        template: Template,
        data: Mapping[str, Any],
        *,
        mask_names: bool = False,
        prefix: str | None = None,
        org: str | None = None,
        allow_duplicate: bool = False,
        finish: Callable[[bytes], bytes] | None = None,
        allow_future_date: bool = False,
    ) -> Record:
        """Number, render, store and index a document from a template, as one step.

        When the template has a 发文字号 field and the data leaves it empty, the next number of
        (机关代字, year) is taken and rendered into the document; if rendering or storing fails,
        the number is not consumed. ``finish`` is applied to the rendered .docx before it is
        stored: the pagination step (:mod:`lianzheng_docs.finishing`), which the archive does not
        import, since it needs LibreOffice. A document dated (成文日期) after today is refused
        (:class:`FutureDateError`, nothing numbered or stored) unless ``allow_future_date``.
        """
        given = data.get("doc_number")
        data = dict(template.prepared(data))  # the owner's hook runs once, before any number is taken
        if data.get("doc_number") != given:
            raise TemplateError(
                f"模板 {template.id} 所属插件的数据预处理（lianzheng_prepare_data）改动了发文字号"
                f"（{given or '空'} → {data.get('doc_number') or '空'}）：文号只能由档案编号或由数据给出"
            )
        if not allow_duplicate:
            self._refuse_refiling(template, data)
        future = None
        with self._transaction_filing() as placed:
            number_field = template.manifest.field("doc_number")
            if number_field is not None and not data.get("doc_number"):
                code = prefix or template.number_prefix()
                if not code:
                    raise MetadataError(
                        f"模板 {template.id} 没有声明机关代字（[numbering] prefix），请用 --prefix 指定"
                    )
                year = numbering_year(template, data)
                sequence = self.registry.next_number("doc_number", f"{code}|{year}")
                data["doc_number"] = format_doc_number(code, year, sequence)
            if number_field is not None and data.get("doc_number"):
                template.check_number(str(data["doc_number"]))  # a 代字 of another owner: refused
            document = template.render(data, mask_names=mask_names, prepared=True)
            if document.unnumbered:
                raise MetadataError(f"模板 {template.id} 的文件没有发文字号（待编号稿），不能归档")
            when = document.metadata.get("date")
            future = self._check_date(date.fromisoformat(when) if when else None, allow_future_date)
            if finish is not None:
                document = dataclasses.replace(document, content=finish(document.content))
            meta = meta_from_rendered(document.metadata, template, org)
            with self._staged(document.content) as staged:
                text, pages = extract(staged.path, "docx")
                record_id = self._insert(
                    staged, "docx", meta, text, pages, source="rendered", template_id=template.id,
                    allow_duplicate=allow_duplicate, original_name=None, placed=placed,
                )  # fmt: skip
        if future:
            self.warnings.append(future)
        return self._filed(record_id)

    def _refuse_refiling(self, template: Template, data: Mapping[str, Any]) -> None:
        """Filing the same document again would number it again (its new 文号 makes new bytes, so the
        duplicate-content check cannot see it): a record of the same template, 题名, 单位, 主送 and
        成文日期 whose text is this document's, but for the 文号, is refused."""
        meta = template.metadata(data)
        key = (meta.get("title", ""), meta.get("unit", ""), meta.get("recipients", ""), meta.get("date", ""))
        candidates = [r for r in self.list(template=template.id)
                      if (r.title, r.unit, r.recipients, r.date or "") == key]  # fmt: skip
        if not candidates:
            return
        unnumbered = {k: v for k, v in data.items() if k != "doc_number"}
        draft = template.render(unnumbered, prepared=True)
        with self._staged(draft.content) as staged:
            text = _without_numbers(extract(staged.path, "docx")[0])
        for record in candidates:
            row = self.registry.record(record.id)
            if row is not None and _without_numbers(str(row["text"] or "")) == text:
                raise AlreadyFiled(record.archival_code, record.doc_number)

    @staticmethod
    def _check_date(when: date | None, allow_future_date: bool) -> str | None:
        """Refuse a 成文日期 after today; allowed, the warning to give once it is filed."""
        today = date.today()
        if when is None or when <= today:
            return None
        if not allow_future_date:
            raise FutureDateError(when, today)
        return future_date_warning(when, today)

    def _filed(self, record_id: int) -> Record:
        """After a filing has committed: index it (unless deferred), tell the plugins, return it."""
        record = self.get(record_id)
        if not self._deferred:
            self._index_after_filing()
        self._notify(record)
        return record

    def _notify(self, record: Record) -> None:
        from ..plugins.manager import get_plugins

        self.warnings.extend(get_plugins().record_filed(record))

    def attach(self, key: int | str, source: Path, *, role: str = "pdf") -> Record:
        """Store another rendition of a filed record (its PDF/A copy), with its own hash and audit entry."""
        record = self.get(key)
        if any(f.role == role for f in record.files):
            raise MetadataError(f"档号 {record.archival_code} 已有 {role} 文件")
        with self._staged(source) as staged:
            fmt = checked_format(staged.head, staged.path, source)
            relative = f"files/{record.year}/{record.archival_code}.{fmt}"
            if any(f.path == relative for f in record.files):
                relative = f"files/{record.year}/{record.archival_code}.{role}.{fmt}"
            with self._transaction_filing() as placed:
                self.registry.insert_file(record.id, role=role, path=relative, format=fmt, size=staged.size,
                                          sha256=staged.sha256, original_name=source.name)  # fmt: skip
                self.registry.audit(self.actor, "attach", record.id, {
                    "archival_code": record.archival_code,
                    "files": [{"role": role, "path": relative, "sha256": staged.sha256, "size": staged.size}],
                })  # fmt: skip
                target = self._free(relative)
                placed.append(target)
                place(staged, target)
        return self.get(record.id)

    def set_page_count(self, record_id: int, pages: int) -> None:
        """Record a 页数 learnt later (from the PDF copy); audited like every change."""
        with self.registry.transaction():
            row = self.registry.record(record_id)
            if row is None or row["page_count"] == pages:
                return
            self.registry.db.execute("UPDATE records SET page_count = ? WHERE id = ?", (pages, record_id))
            self.registry.audit(self.actor, "update", record_id, {"page_count": [row["page_count"], pages]})

    @contextmanager
    def _staged(self, source: Path | bytes) -> Iterator[Staged]:
        staged = stage(source, self.root / "tmp")
        try:
            if isinstance(source, Path) and digest_of(source)[0] != staged.sha256:
                # the copy and the file differ: it was being written while we read it (a torn copy
                # would otherwise pass verify for ever, since only the stored copy is hashed)
                raise ArchiveError(f"文件 {source.name} 在归档过程中被改动，未归档；请在它不再变化后重试")
            yield staged
        finally:
            staged.path.unlink(missing_ok=True)

    @contextmanager
    def _transaction_filing(self) -> Iterator[list[Path]]:
        """A registry transaction; files placed inside it are removed again if it does not commit.

        Only those the registry does not hold: whatever fails after the commit (an interrupt while
        the checkpoint is written) must not take away the file of a record that stands.
        """
        placed: list[Path] = []
        try:
            with self.registry.transaction():
                yield placed
        except BaseException:
            for path in placed:
                if not self._registered(path):
                    path.unlink(missing_ok=True)
            raise

    def _registered(self, path: Path) -> bool:
        """Whether the registry holds a file at ``path``; when it cannot say, True (keep the file:
        a leftover is quarantined by the next filing, a deleted file is lost)."""
        try:
            relative = path.relative_to(self.root).as_posix()
            return self.registry.db.execute("SELECT 1 FROM files WHERE path = ?", (relative,)).fetchone() is not None
        except Exception:
            return True

    def _insert(
        self,
        staged: Staged,
        fmt: str,
        meta: RecordMeta,
        text: str,
        pages: int | None,
        *,
        source: str,
        template_id: str | None,
        allow_duplicate: bool,
        original_name: str | None,
        placed: list[Path],
    ) -> int:
        registry = self.registry
        existing = registry.file_by_hash(staged.sha256)
        if existing is not None and not allow_duplicate:
            raise DuplicateDocument(existing["archival_code"], staged.sha256)
        if meta.doc_number:
            taken = registry.record_by("doc_number", meta.doc_number)
            if taken is not None:
                raise MetadataError(f"文号 {meta.doc_number} 已被档号 {taken['archival_code']} 使用，文号不得重复")
            parsed = parse_doc_number(meta.doc_number)
            if parsed:
                registry.raise_sequence("doc_number", f"{parsed[0]}|{parsed[1]}", parsed[2])
        year = meta.year or (meta.date.year if meta.date else date.today().year)
        if not 1900 <= year <= 2999:  # the 档号's 年度 is four digits (DA/T 22-2015 5.4)
            raise MetadataError(f"年度 {year} 无效：档号中的年度是四位数的年份，如 2026；请检查 --year 或成文日期")
        retention = retention_code(meta.retention or self.setting("retention"))
        org = check_code(meta.org or self.setting("org"), "机构代码")
        fonds, category = self.setting("fonds"), self.setting("category")
        item = registry.next_number("item", f"{fonds}|{year}|{retention}|{org}")
        code = ArchivalCode(fonds, category, year, retention, org, item)
        values = {
            "fonds": fonds, "category": category, "year": year, "retention": retention, "org": org,
            "item": item, "archival_code": str(code), "doc_number": meta.doc_number or None,
            "title": meta.title, "author": meta.author, "date": meta.date.isoformat() if meta.date else None,
            "kind": meta.kind, "secrecy": meta.secrecy, "recipients": meta.recipients, "cc": meta.cc,
            "unit": meta.unit, "template_id": template_id, "page_count": pages, "source": source,
            "text": text, "filed_at": now(), "filed_by": self.actor,
        }  # fmt: skip
        record_id = registry.insert_record(values)
        relative = f"files/{year}/{code}.{fmt}"
        registry.insert_file(
            record_id, role="original", path=relative, format=fmt, size=staged.size, sha256=staged.sha256,
            original_name=original_name,
        )  # fmt: skip
        registry.audit(self.actor, "file", record_id, {
            "archival_code": str(code), "doc_number": meta.doc_number, "source": source,
            "files": [{"role": "original", "path": relative, "sha256": staged.sha256, "size": staged.size}],
            "meta": row_digest({column: values[column] for column in AUDITED_COLUMNS}),
            "tool": f"lianzheng-docs {__version__}",  # the environment it was filed in (DA/T 70 可用性)
        })  # fmt: skip
        target = self._free(relative)
        placed.append(target)  # from here on a rollback removes it, whatever place() got to
        place(staged, target)
        return record_id

    def _free(self, relative: str) -> Path:
        """The path a file is about to be placed at (its row is in the open transaction), cleared of
        what a crashed filing left there.

        Numbers come from the registry, so a file already at a freshly numbered path was placed by a
        filing that died before its commit: it is moved to ``quarantine/`` and reported, instead of
        blocking every later filing in its scope. A file another record really owns is refused.
        """
        target = self.root / relative
        if not target.exists():
            return target
        owners = self.registry.db.execute("SELECT count(*) FROM files WHERE path = ?", (relative,)).fetchone()[0]
        if owners > 1:
            raise ArchiveError(f"档案中已有文件 {relative}，拒绝覆盖；请运行 lianzheng archive verify 检查")
        quarantine = self.root / "quarantine"
        moved = quarantine / f"{now().replace(':', '')}-{target.name}"
        try:
            quarantine.mkdir(exist_ok=True)
            os.replace(target, moved)
        except OSError as exc:
            if disk_full(exc, self.root):
                raise DiskFull(self.root, "本次归档没有完成（中断的归档留下的文件无法移到 quarantine/）") from exc
            raise ArchiveError(f"中断的归档留下的文件 {relative} 无法移到 quarantine/：{exc.strerror or exc}") from exc
        self.warnings.append(f"发现中断的归档留下的文件 {relative}，已移到 {moved.relative_to(self.root)}，未作归档")
        return target

    # ------------------------------------------------------------------ reading

    def get(self, key: int | str) -> Record:
        """A record by id, 档号 or 文号."""
        row = None
        text = str(key).strip()
        if text.isdigit() and int(text) < 2**63:  # beyond SQLite's integers no id can be
            row = self.registry.record(int(text))
        if row is None:
            row = self.registry.record_by("archival_code", text) or self.registry.record_by("doc_number", text)
        if row is None:
            raise RecordNotFound(f"档案中没有 id、档号或文号为 {text!r} 的记录；可用 lianzheng archive list 查看")
        return Record.from_row(row, self.registry.files_of(row["id"]))

    def list(
        self,
        *,
        year: int | None = None,
        kind: str | None = None,
        unit: str | None = None,
        template: str | None = None,
        retention: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> builtins.list[Record]:
        """Records filtered by each condition given, in 档号 order (the latest 年度 first with
        ``newest_first``); ``limit`` and ``offset`` give one page of a long listing."""
        conditions = {"year": year, "kind": kind, "unit": unit, "template_id": template,
                      "retention": retention_code(retention) if retention else None}  # fmt: skip
        rows = self.registry.records(conditions, limit=limit, offset=offset, newest_first=newest_first)
        files = self.registry.files_of_records([row["id"] for row in rows])
        return [Record.from_row(row, files[row["id"]]) for row in rows]

    def tally(self) -> builtins.list[tuple[int, str, str, int]]:
        """(年度, 文种, 单位, count) for every combination the archive holds, the latest year first: the
        choices of a listing's filters and its counts, without reading 20,000 records to find them."""
        return [(row["year"], row["kind"], row["unit"], row["count"]) for row in self.registry.tally()]

    def find_rendered(
        self, template_id: str, title: str, *, unit: str | None = None, recipients: str | None = None
    ) -> Record | None:
        """The record already filed from ``template_id`` with this 题名 (and unit, and 主送), if any: how
        re-runs of ``samples --archive`` and ``batch`` know what not to file twice. The copies of a
        分别报送 share a 题名 and differ by their 主送, so ``recipients`` tells them apart."""
        return next(
            (r for r in self.list(template=template_id, unit=unit)
             if r.title == title and (recipients is None or r.recipients == recipients)),
            None,
        )  # fmt: skip

    def path_of(self, record: Record, role: str = "original") -> Path:
        stored = next((f for f in record.files if f.role == role), None)
        if stored is None:
            raise RecordNotFound(f"档号 {record.archival_code} 没有 {role} 文件")
        return self.root / stored.path

    # ------------------------------------------------------------------ fixity and export

    def verify(
        self, *, public_key: Ed25519PublicKey | None = None, anchors: Sequence[tuple[int, str]] = ()
    ) -> VerifyReport:
        """Re-hash every file, check the audit chain, find missing and unknown files and numbering gaps.

        ``public_key`` (given from outside the archive): the checkpoint must carry its valid signature
        over the whole chain; ``anchors``: (entries, head prefix) pairs printed earlier (a 备考表)
        that the chain must still contain."""
        return verify(self.root, self.registry, public_key=public_key, anchors=anchors)

    def export(self, target: Path, *, records: builtins.list[Record] | None = None, overwrite: bool = False) -> Path:
        """A zip of the records' files, a manifest of their metadata and the audit log, and a snapshot
        of the whole registry: with every record, a backup :meth:`restore` rebuilds the archive from."""
        return export(self.root, self.registry, self.list() if records is None else records, target,
                      overwrite=overwrite)  # fmt: skip

    @classmethod
    def restore(cls, source: Path, root: str | os.PathLike[str]) -> tuple[int, VerifyReport]:
        """Rebuild an archive from the export ``source`` in the empty folder ``root`` and verify it.

        Returns the number of records and the verification (its index is rebuilt on first search).
        """
        count = import_archive(Path(source), Path(root))
        with cls(root) as archive:
            return count, archive.verify()

    @classmethod
    def verify_export(cls, source: Path) -> VerifyReport:
        """Verify an export on its own: rebuilt in a temporary folder, checked, thrown away."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="lianzheng-verify-export-") as work:
            return cls.restore(source, Path(work) / "档案")[1]



def _refuse_draft(text: str, source: Path) -> None:
    """A 待编号稿 (its 文号 ``X财党〔2026〕　　号`` not yet numbered) is not a document to file: the
    archive would keep it without a number, and the number it should have would never be taken."""
    for line in text.splitlines()[:20]:  # the 版头 is at the top
        compact = "".join(line.split())
        draft = docnumber.FIND_DRAFT.search(compact)
        if draft and not docnumber.FIND.search(compact):
            raise MetadataError(
                f"{source.name} 是待编号稿（文号 {draft.group()} 尚未编号），不能归档：请用 lianzheng render "
                "--archive 生成并由档案编号，或在文件中填上文号后再归档"
            )


def _without_numbers(text: str) -> str:
    """A document's text without its 文号 (numbered or a draft's) and without whitespace: what two
    filings of the same data share."""
    compact = "".join(text.split())
    return docnumber.FIND_DRAFT.sub("", docnumber.FIND.sub("", compact))
