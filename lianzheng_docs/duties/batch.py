"""One document per unit of the roster: the year's responsibility letters, the departments' reports.

The shared data (the party group, the secretary, the date, the text) comes from one data file;
each unit adds its name and head, put into the template field that names the unit (the field
its manifest files under ``[metadata] unit``) and the person field ``<that field>_head``. A unit
whose document cannot be made, or a wrong row of the roster (read with ``strict=False``), is
reported and the batch goes on. Re-running a batch makes only
what is missing: a document whose template, unit and 题名 (which names the year) are already in
the archive, or whose file already exists, is skipped unless ``force``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, LianzhengError, TemplateError
from ..fileio import safe_filename
from .roster import Roster, RosterUnit

if TYPE_CHECKING:
    from ..archive import Archive, Record
    from ..templating.catalog import Template

_FIELD_REFERENCE = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")
DEFAULT_KINDS = ("科室", "二级机构")


@dataclass
class BatchItem:
    """What happened to one unit: ``made``, ``skipped`` (already there) or ``failed``."""

    unit: str
    state: str
    title: str = ""
    path: Path | None = None
    record: Record | None = None
    message: str = ""
    exit_code: int = 0  # of the error, for a failed unit

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "state": self.state,
            "title": self.title,
            "path": str(self.path) if self.path else None,
            "archival_code": self.record.archival_code if self.record else None,
            "doc_number": self.record.doc_number if self.record else None,
            "message": self.message,
        }


@dataclass
class BatchResult:
    template: str
    year: int | None
    items: list[BatchItem] = field(default_factory=list)

    def of(self, state: str) -> list[BatchItem]:
        return [item for item in self.items if item.state == state]

    @property
    def failed(self) -> list[BatchItem]:
        return self.of("failed")

    def to_dict(self) -> dict[str, Any]:
        counts = {state: len(self.of(state)) for state in ("made", "skipped", "failed")}
        return {"template": self.template, "year": self.year, **counts, "items": [i.to_dict() for i in self.items]}


def unit_field(template: Template) -> str:
    """The field that names the unit a document is for; a template without one is not made per unit."""
    found = _FIELD_REFERENCE.match(template.manifest.metadata.get("unit", "").strip())
    if not found or template.manifest.field(found[1]) is None:
        raise TemplateError(
            f'模板 {template.id} 不是按科室（单位）逐个生成的文书（清单 [metadata] 中没有 unit = "{{{{ 字段 }}}}"），'
            "不能批量生成；可用 `lianzheng render` 逐份生成。"
        )
    return found[1]


def unit_data(template: Template, base: Mapping[str, Any], unit: RosterUnit, year: int | None) -> dict[str, Any]:
    """The shared data with this unit's name, head and (when given) the year filled in.

    A 发文字号 in the shared data is dropped: each document of a batch gets its own from the archive.
    """
    name_field = unit_field(template)
    data = {key: value for key, value in base.items() if key != "doc_number"}  # one number each: the archive's
    data[name_field] = unit.name
    head_field = f"{name_field}_head"
    if template.manifest.field(head_field) is not None:
        post = unit.post if not unit.post or unit.post.startswith(unit.name) else unit.name + unit.post
        data[head_field] = {"name": unit.head, "post": post} if post else {"name": unit.head}
    if year is not None and template.manifest.field("year") is not None:
        data["year"] = year
    return data


def run_batch(
    template: Template,
    roster: Roster,
    base: Mapping[str, Any],
    *,
    year: int | None = None,
    kinds: Iterable[str] = DEFAULT_KINDS,
    archive: Archive | None = None,
    output_dir: Path | None = None,
    pdf: bool = False,
    force: bool = False,
    on_item: Callable[[BatchItem], None] | None = None,
    finish: Callable[[bytes, str], bytes] | None = None,
    allow_future_date: bool = False,
) -> BatchResult:
    """Make ``template`` for every unit of ``roster`` whose 类别 is in ``kinds``.

    With ``archive`` each document is numbered and filed (and, with ``pdf``, given its PDF/A copy
    in one LibreOffice run at the end); otherwise it is written to ``output_dir`` (and converted
    there). ``on_item`` is called after each unit, e.g. to advance a progress bar. ``finish``
    (rendered .docx, unit name) -> finished .docx is the pagination step, applied to each
    document before it is written or filed. A unit whose document is dated after today is not
    filed (it fails, saying so) unless ``allow_future_date``.
    """
    unit_field(template)  # fails before any work when the template is not per unit
    if archive is None and output_dir is None:
        raise ValueError("run_batch needs an archive or an output folder")
    kinds = tuple(kinds)
    result = BatchResult(template.id, year)
    with archive.indexing_deferred() if archive is not None else nullcontext():
        for unit in (u for u in roster.units if u.kind in kinds):
            item = _one(template, base, unit, year, archive, output_dir, force, finish, allow_future_date)
            result.items.append(item)
            if on_item:
                on_item(item)
    for problem in roster.problems:  # rows the roster left out (read with strict=False)
        result.items.append(
            BatchItem(problem.path, "failed", message=f"名册：{problem}", exit_code=ExitCode.INVALID_INPUT)
        )
    made = result.of("made")
    if pdf and made:
        _convert(made, archive, output_dir)
    return result


def _one(
    template: Template, base: Mapping[str, Any], unit: RosterUnit, year: int | None,
    archive: Archive | None, output_dir: Path | None, force: bool, finish: Callable[[bytes, str], bytes] | None,
    allow_future_date: bool = False,
) -> BatchItem:  # fmt: skip
    finish_one = (lambda content: finish(content, unit.name)) if finish is not None else None
    data = unit_data(template, base, unit, year)
    try:
        metadata = template.metadata(data)
        title = metadata.get("title") or template.title
        if archive is not None:  # the same 题名 to another 主送 is the other copy of a 分别报送
            existing = archive.find_rendered(template.id, title, unit=unit.name, recipients=metadata.get("recipients"))
            if existing is not None and not force:
                return BatchItem(
                    unit.name, "skipped", title, record=existing, message=f"已归档 {existing.archival_code}"
                )
            record = archive.file_rendered(template, data, allow_duplicate=force, finish=finish_one,
                                           allow_future_date=allow_future_date)  # fmt: skip
            return BatchItem(unit.name, "made", title, archive.path_of(record), record)
        assert output_dir is not None
        target = output_dir / f"{safe_filename(title)}.docx"
        if target.exists() and not force:
            return BatchItem(unit.name, "skipped", title, target, message="文件已存在")
        document = template.render(data)
        if finish_one is not None:
            document = replace(document, content=finish_one(document.content))
        return BatchItem(unit.name, "made", title, document.save(target, overwrite=force))
    except LianzhengError as exc:
        return BatchItem(unit.name, "failed", message=exc.message, exit_code=int(exc.exit_code))


def _convert(made: list[BatchItem], archive: Archive | None, output_dir: Path | None) -> None:
    if archive is not None:
        from ..pdf.copies import make_archive_copies

        records = make_archive_copies(archive, [item.record for item in made if item.record is not None])
        for item, record in zip(made, records, strict=True):
            item.record = record
        return
    from ..pdf.convert import convert_to_pdf

    assert output_dir is not None
    convert_to_pdf([item.path for item in made if item.path is not None], output_dir)
