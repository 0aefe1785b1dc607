"""What the form says beyond the manifest: the kept roster's suggestions, which text fields are
sentences, and the library's messages as a clerk in a browser should read them.

The library speaks to a data file's writer (``缺少 name；人员：写姓名，或写 name（姓名）和 post（职务）``,
``必填（单行文字），未提供``, ``份号要加引号``); the form's clerk types into boxes, so the same problem is
said at the box to fill (``请填写姓名`` at ``contact.name``). The library's messages stay as they are
for the CLI and the API: the translation is the form's alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..duties.roster import Roster
from ..errors import Problem
from ..templating.manifest import FieldSpec, FieldType

#: Unit fields for bodies the roster does not name (纪检组, 市纪委, 市委): offered nothing.
_OUTSIDE = re.compile(r"纪检|纪委|市委")
#: Unit fields that name the side that signs, tells or receives (告知单位, 约谈单位, 报送机关, 发文机关署名):
#: the bureau or its 党组, not a 科室 (a 被告知单位 is the unit told, and so a 科室 or county bureau).
_BUREAU_SIDE = re.compile(r"(?<!被)(告知|约谈)|报送|机关|署名")
#: A text field whose example holds more characters than this is a sentence: a textarea of 2–3 rows.
LONG_TEXT = 40
#: What the library says of a required field left empty (validation: ``必填（单行文字），未提供``).
_MISSING = re.compile(r"^必填（.+），未提供$")
#: What it says of a person given without a name (``缺少 name；人员：……``).
_NO_NAME = "缺少 name；"


@dataclass(frozen=True)
class RosterChoices:
    """What the kept roster offers as suggestions (``<datalist>``): units, people's names, posts, and
    the bureau's own names (the bureau, its 党组) for the fields the bureau signs.

    Suggestions, not choices: a unit or person not in the roster can still be typed (a county
    bureau, a new head); the library's validation decides what is right."""

    units: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    bureau: tuple[str, ...] = ()
    party_group: tuple[str, ...] = ()

    @classmethod
    def of(cls, roster: Roster | None) -> RosterChoices:
        if roster is None:
            return cls()
        people = [(roster.secretary, ""), (roster.discipline_head, "")]
        people += [(unit.head, _post(unit.name, unit.post)) for unit in roster.units]
        people += [(person.name, person.post) for person in roster.members()]
        group = f"中共{roster.bureau}党组" if roster.bureau else ""
        return cls(
            units=tuple(dict.fromkeys(unit.name for unit in roster.units if unit.name)),
            names=tuple(dict.fromkeys(name for name, _post in people if name)),
            posts=tuple(dict.fromkeys(post for _name, post in people if post and post != "班子成员")),
            bureau=tuple(name for name in (roster.bureau, group) if name),
            party_group=(group,) if group else (),
        )

    def for_unit(self, label: str, is_unit_field: bool) -> tuple[str, ...]:
        """The names to offer on a unit field labelled ``label`` (``is_unit_field``: the one the
        archive files as the document's 单位): 科室 for a 科室's field, the 党组 for a 党组's, the
        bureau's names for the side that signs, nothing for bodies the roster does not name."""
        if _OUTSIDE.search(label):
            return ()
        if "党组" in label:
            return self.party_group
        if is_unit_field or re.search(r"科室|部门", label) or ("单位" in label and not _BUREAU_SIDE.search(label)):
            return self.units
        return self.bureau


def _post(unit: str, post: str) -> str:
    """A unit head's post as written (预算科科长), or "" when the roster gives none: never the unit's name alone."""
    return post if not post or post.startswith(unit) else unit + post


def long_text_fields(specs: Sequence[FieldSpec], example: Mapping[str, Any], prefix: str = "") -> set[str]:
    """The text fields whose example (in any row) is a sentence of more than :data:`LONG_TEXT`
    characters, as paths without row numbers: shown as a textarea of 2–3 rows, read back as one line."""
    found: set[str] = set()
    for spec in specs:
        value = example.get(spec.name)
        if spec.type is FieldType.RECORDS and isinstance(value, list):
            for row in value:
                if isinstance(row, Mapping):
                    found |= long_text_fields(spec.fields, row, f"{prefix}{spec.name}.")
        elif spec.type is FieldType.TEXT and isinstance(value, str) and len(value) > LONG_TEXT:
            found.add(f"{prefix}{spec.name}")
    return found


def spec_at(specs: Sequence[FieldSpec], path: str) -> FieldSpec | None:
    """The field a problem's path names (``findings[1].requirement``), or None."""
    spec = None
    for step in re.sub(r"\[\d+\]", "", path).split("."):
        spec = next((s for s in specs if s.name == step), None)
        if spec is None:
            return None
        specs = spec.fields
    return spec


def web_problems(specs: Sequence[FieldSpec], problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` as the form says them: an empty required field ``请填写{label}`` (a group:
    ``请至少填写一条{label}``); a person without a name ``请填写姓名``, at its 姓名 box
    (``contact.name``) rather than on the group; every other problem as the library says it."""
    shown = []
    for problem in problems:
        spec = spec_at(specs, problem.path)
        missing = bool(_MISSING.match(problem.message))
        if spec is not None and spec.type is FieldType.PERSON and (missing or problem.message.startswith(_NO_NAME)):
            shown.append(Problem(f"{problem.path}.name", problem.label, "请填写姓名"))
        elif spec is not None and missing:
            lead = "请至少填写一条" if spec.type is FieldType.RECORDS else "请填写"
            shown.append(Problem(problem.path, problem.label, f"{lead}{spec.label}"))
        else:
            shown.append(problem)
    return shown


def summary_text(problem: Problem, label: str) -> str:
    """A problem as the list at the top of the form says it: where it is, then what is wrong; a
    message that names its field (``请填写整改要求``) names it there in full (``请填写发现的问题 第2条
    整改要求``). ``label`` is the label of the box the problem is shown at."""
    if label and problem.message.startswith("请") and problem.message.endswith(label):
        return problem.message[: -len(label)] + problem.label
    return f"{problem.label}：{problem.message}"
