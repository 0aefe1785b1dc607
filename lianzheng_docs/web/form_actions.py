"""归档 from the form: what stops a filing the clerk did not mean, and the archive's refusals said the desk's way.

Three things stop a 归档 until the clerk says it is meant, each with a checkbox on the form:

- **example data**: the form opens filled with the template's example (another unit's names, ××市,
  example dates), so that the clerk sees what goes where; filed unchanged it would be a false
  record. The page carries a digest of the values it opened with (:data:`EXAMPLE_DIGEST`): 归档
  with the same values is refused unless 「确认按示例数据归档」 is ticked.
- **the same document again** (the archive's ``AlreadyFiled`` or ``DuplicateDocument``):
  「仍然归档：这是有意的重复」, what ``--allow-duplicate`` allows at the command line.
- **a 成文日期 after today** (``FutureDateError``), said at the date field the manifest files as
  成文日期: 「这是预先签署的文件，日期在未来」, what ``--allow-future-date`` allows.

The last two only a 办公室 account may tick; the others are told to ask the 办公室, whose job the
archive's exceptions are (as filing for another unit is).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..archive import AlreadyFiled, Archive, DuplicateDocument, Record
from ..archive.records import FutureDateError
from ..errors import LianzhengError, Problem
from ..templating.catalog import Template
from ..templating.manifest import FieldSpec, FieldType
from .access import Role, User, can_see
from .documents import file_document, refuse_other_unit
from .forms import Confirmation, form_values, read_form

#: The hidden input carrying the digest of the values the form opened with (its example data).
EXAMPLE_DIGEST = "example-digest"
CONFIRM_EXAMPLE = "confirm-example"
ALLOW_DUPLICATE = "allow-duplicate"
ALLOW_FUTURE_DATE = "allow-future-date"
LABELS = {
    CONFIRM_EXAMPLE: "确认按示例数据归档",
    ALLOW_DUPLICATE: "仍然归档：这是有意的重复",
    ALLOW_FUTURE_DATE: "这是预先签署的文件，日期在未来",
}
#: The boxes only a 办公室 account may tick (ticked by another, they are not read).
OFFICE_ONLY = frozenset({ALLOW_DUPLICATE, ALLOW_FUTURE_DATE})
#: A 归档 refused until a box is ticked: the request conflicts with what the archive holds or the form began as.
REFUSED_STATUS = 409
EXAMPLE_MESSAGE = (
    "表单中的数据与打开时的示例数据完全相同（单位、人员、日期均为示例），没有归档。请把各项改写为这份文件的实际内容后再归档；"
    f"确需按示例数据归档的（如演示、培训），勾选“{LABELS[CONFIRM_EXAMPLE]}”后再按“归档”。"
)

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_FIELD = re.compile(r"\{\{\s*(\w+)")


@dataclass(frozen=True)
class FormState:
    """What a form's page carries besides the data: the example's digest ("" for a form not opened
    with example data) and the boxes ticked (those the user may tick)."""

    digest: str = ""
    ticked: frozenset[str] = frozenset()

    @classmethod
    def posted(cls, form: Mapping[str, str], user: User) -> FormState:
        digest = form.get(EXAMPLE_DIGEST, "")
        ticked = {name for name in LABELS if form.get(name) == "1" and (name not in OFFICE_ONLY or may_confirm(user))}
        return cls(digest if _DIGEST.match(digest) else "", frozenset(ticked))

    def untouched(self, template: Template, data: Mapping[str, Any]) -> bool:
        """Whether ``data`` is still the example the form opened with."""
        return bool(self.digest) and self.digest == example_digest(template, data)


def may_confirm(user: User) -> bool:
    """Whether ``user`` may file what the archive refuses unless told (a duplicate, a date in the future)."""
    return user.role is Role.OFFICE


def example_digest(template: Template, data: Mapping[str, Any]) -> str:
    """A digest of ``data`` as the form shows it (its text values, read back as the form reads them),
    so that the data a page opened with and the same data posted back give the same digest."""
    specs = template.manifest.fields
    values = form_values(specs, read_form(specs, form_values(specs, data)))
    text = json.dumps([template.id, sorted(values.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def metadata_field(template: Template, key: str) -> FieldSpec | None:
    """The field the manifest files as the archive's ``key`` (``[metadata] date = "{{ date.iso }}"``: ``date``)."""
    found = _FIELD.match(template.manifest.metadata.get(key, "").strip())
    return template.manifest.field(found[1]) if found else None


def date_field(template: Template) -> FieldSpec | None:
    """The date field the manifest files as 成文日期, if it is one."""
    spec = metadata_field(template, "date")
    return spec if spec is not None and spec.type is FieldType.DATE else None


@dataclass(frozen=True)
class Refusal:
    """A 归档 not done, and the box that would let it be (``confirm``; "" when this user may not tick one)."""

    message: str
    confirm: str = ""
    #: the field it is said at (the date in the future); "" above the form
    path: str = ""
    label: str = ""
    #: the record filed before, when this user may open it
    record_id: int | None = None
    status: int = REFUSED_STATUS

    @property
    def problem(self) -> Problem | None:
        return Problem(self.path, self.label, self.message) if self.path else None


async def file_from_form(
    root: Path, user: User, template: Template, data: dict[str, Any], state: FormState
) -> Refusal | tuple[Record, list[str]]:
    """File ``data`` as the form's 归档 does: the data's problems first (``ValidationError``), then
    the unit (``Forbidden``), then the example data, a duplicate and a date in the future, each
    refused unless its box is ticked. The record and its warnings, or the refusal."""
    await run_in_threadpool(refuse_other_unit, user, template, data)
    if CONFIRM_EXAMPLE not in state.ticked and state.untouched(template, data):
        return Refusal(EXAMPLE_MESSAGE, CONFIRM_EXAMPLE)
    try:
        record, warnings = await run_in_threadpool(
            file_document, root, template, data, actor=user.actor, allow_duplicate=ALLOW_DUPLICATE in state.ticked,
            allow_future_date=ALLOW_FUTURE_DATE in state.ticked,
        )  # fmt: skip
    except (AlreadyFiled, DuplicateDocument) as exc:
        return await run_in_threadpool(_filed_before, root, user, exc)
    except FutureDateError as exc:
        return _future(template, user, exc)
    return record, [_web_warning(warning, record) for warning in warnings]


def _filed_before(root: Path, user: User, exc: AlreadyFiled | DuplicateDocument) -> Refusal:
    code = exc.existing_code
    if isinstance(exc, AlreadyFiled):
        number = f"（文号 {exc.doc_number}）" if exc.doc_number else ""
        said = (f"这份文件已归档，档号 {code}{number}：同一模板、同一题名、单位、主送和成文日期。"
                "再归档一份会另占一个文号。")  # fmt: skip
    else:
        said = f"同样内容的文件已归档，档号 {code}。"
    if may_confirm(user):
        said += f"改了内容要重新归档的，或确需再归档一份的，勾选“{LABELS[ALLOW_DUPLICATE]}”后再按“归档”。"
    else:
        said += "确需再归档一份的，请办公室归档。"
    return Refusal(said, ALLOW_DUPLICATE if may_confirm(user) else "", record_id=_visible_id(root, user, code))


def _visible_id(root: Path, user: User, code: str) -> int | None:
    """The id of the record ``code``, to link it, when ``user`` may see it."""
    try:
        with Archive(root, create=False) as archive:
            record = archive.get(code)
    except LianzhengError:
        return None
    return record.id if can_see(user, record) else None


def _future(template: Template, user: User, exc: FutureDateError) -> Refusal:
    spec = date_field(template)
    label = spec.label if spec is not None else "成文日期"
    said = (f"{exc.when.isoformat()} 晚于今天 {exc.today.isoformat()}：日期在未来的文件不予归档，落实情况也不会把它"
            f"算作已完成。请改正{label}；确是预先签署的文件，")  # fmt: skip
    if may_confirm(user):
        said += f"勾选下面的“{LABELS[ALLOW_FUTURE_DATE]}”后再按“归档”"
    else:
        said += "请办公室归档"
    if spec is None:
        return Refusal(f"{label} {said}", ALLOW_FUTURE_DATE if may_confirm(user) else "", status=422)
    return Refusal(said, ALLOW_FUTURE_DATE if may_confirm(user) else "", path=spec.name, label=label, status=422)


def _web_warning(text: str, record: Record) -> str:
    """A warning of the archive's as the desk says it (the CLI's flag named in it is a checkbox here)."""
    if record.date and text.startswith(f"成文日期 {record.date} 晚于今天") and "--allow-future-date" in text:
        return f"成文日期 {record.date} 晚于今天，已作为预先签署的文件归档；在此日期之前，落实情况不把它算作完成"
    return text


def confirmations(
    template: Template, data: Mapping[str, Any], state: FormState, refusal: Refusal | None
) -> tuple[list[Confirmation], tuple[str, Confirmation] | None]:
    """The boxes to show: those above the form (example data, a duplicate), and the one at the date
    field with its path (a date in the future). A box shows when a refusal offers it, and stays,
    ticked, once ticked."""
    offered = refusal.confirm if refusal is not None else ""
    shown = {name for name in LABELS if name == offered or name in state.ticked}
    if CONFIRM_EXAMPLE in shown and not state.untouched(template, data):
        shown.discard(CONFIRM_EXAMPLE)  # changed since: nothing to confirm
    boxes = {name: Confirmation(name, LABELS[name], name in state.ticked) for name in LABELS if name in shown}
    spec = date_field(template)
    at_date = boxes.pop(ALLOW_FUTURE_DATE) if ALLOW_FUTURE_DATE in boxes and spec is not None else None
    return list(boxes.values()), (spec.name, at_date) if spec is not None and at_date is not None else None
