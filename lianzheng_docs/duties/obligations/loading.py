"""Obligations from data: ``obligations.toml`` beside this module, then what plugins register.

Every mapping is checked on load, so a bad date or a missing key stops ``lianzheng status`` with a
message naming the obligation and who registered it, not half-way through judging.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from ...errors import TemplateError
from ...plugins.hookspecs import ObligationSpec
from .model import AFTER_EVENT, Obligation

#: whom ``per_person`` may name: the roster's 班子成员 and the heads of its units
PERSON_GROUPS = ("班子成员", "科室负责人")


def load_obligations(extra: Iterable[tuple[str, Mapping[str, object]]] | None = None) -> list[Obligation]:
    """The built-in obligations, then ``extra`` ones as (owner, mapping), e.g. from plugins.

    A plugin's mapping may give ``due`` instead of ``window``: ``"MM-DD"`` (by that day each year),
    ``"+1:MM-DD"`` (by that day the next year) or ``"N days after event"``.
    """
    text = (resources.files("lianzheng_docs.duties.obligations") / "obligations.toml").read_text(encoding="utf-8")
    raw: list[tuple[str, Mapping[str, object]]] = [("builtin", item) for item in tomllib.loads(text)["obligations"]]
    raw += list(extra or [])
    found: list[Obligation] = []
    seen: dict[str, str] = {}
    for owner, item in raw:
        obligation = _obligation(owner, item)
        if obligation.id in seen:
            raise TemplateError(
                f"义务 {obligation.id} 重复登记（{seen[obligation.id]} 与 {owner}）："
                "插件的义务编号请加前缀，如 “tzps:...”"
            )
        seen[obligation.id] = owner
        found.append(obligation)
    return found


def plugin_obligations() -> list[tuple[str, ObligationSpec]]:
    """What the loaded plugins register through ``lianzheng_obligations``, each checked on its own.

    An obligation that cannot be used (a bad date, an id already taken or outside the plugin's
    namespace) is left out and its plugin marked degraded with the reason, which ``status`` and
    ``plugins list`` show: one plugin's mistake does not stop ``status`` for everyone.
    """
    from ...plugins.manager import get_plugins

    plugins = get_plugins()
    taken = {obligation.id: "内置义务" for obligation in load_obligations()}
    usable: list[tuple[str, ObligationSpec]] = []
    for owner, item in plugins.obligations():
        if owner == "builtin":
            continue
        try:
            obligation = _obligation(owner, item)
            if not obligation.id.startswith(f"{owner}:"):
                raise TemplateError(
                    f"{owner} 登记的义务 {obligation.id} 无法使用：编号应以插件名开头，如 “{owner}:...”"
                )
            if obligation.id in taken:
                raise TemplateError(f"{owner} 登记的义务 {obligation.id} 无法使用：与{taken[obligation.id]}重复")
        except TemplateError as exc:
            plugins.degrade(owner, f"{exc.message}，已略去")
            continue
        taken[obligation.id] = f"插件 {owner} 的另一项义务"
        usable.append((owner, item))
    return usable


def _obligation(owner: str, item: Any) -> Obligation:
    label = item.get("id", "?") if isinstance(item, dict) else "?"
    try:
        if not isinstance(item, dict):
            raise TypeError("应是一个映射（dict）")
        window = item.get("window", ["01-01", "12-31"])
        event, days = bool(item.get("event", False)), int(item.get("days", 0))
        due = str(item.get("due", "")).strip()
        if due:
            after = AFTER_EVENT.match(due)
            if after:
                event, days = True, int(after["days"])
            else:
                window = ["01-01", due]
        obligation = Obligation(
            id=str(item["id"]), title=str(item["title"]), clause=str(item.get("clause", "")),
            party=str(item.get("party", item.get("owner", ""))), to=str(item.get("to", "")),
            template=item.get("template"), keyword=item.get("keyword"), exclude=item.get("exclude"),
            title_year=bool(item.get("title_year", False)), per_unit=bool(item.get("per_unit", False)),
            unit=item.get("unit"),
            unit_kinds=tuple(item.get("unit_kinds", ("科室", "二级机构"))),
            window=(str(window[0]), str(window[1])), min_count=int(item.get("min_count", 1)),
            event=event, days=days, rule=str(item.get("rule", "")), owner=owner,
            also_keywords=_words(item.get("also_keywords", ())), per_person=_words(item.get("per_person", ())),
            after_template=item.get("after_template"), recipients=_words(item.get("recipients", ())),
            owed_by_party=bool(item.get("owed_by_party", False)),
        )  # fmt: skip
        if not obligation.event and not obligation.after_template:
            obligation.dates(2000)  # a bad date fails here, naming the obligation
        unknown = [group for group in obligation.per_person if group not in PERSON_GROUPS]
        if unknown:
            raise ValueError(f"per_person 只能是 {'、'.join(PERSON_GROUPS)}，不能是 {'、'.join(unknown)}")
        if obligation.after_template and obligation.days < 1:
            raise ValueError("after_template 需要 days（未写明期限时，收到后多少日内），至少为 1")
        if not (obligation.template or obligation.keyword):
            raise ValueError("template 和 keyword 至少要有一个，否则无法判断哪份文件满足它")
        if obligation.recipients and (obligation.per_person or obligation.event or obligation.after_template):
            raise ValueError("recipients（分别报送）只用于按年度的义务，不能与 per_person、event、after_template 同用")
        if obligation.min_count < 1:
            raise ValueError("min_count 至少为 1")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        what = f"缺少 {exc}" if isinstance(exc, KeyError) else str(exc)
        raise TemplateError(f"{owner} 登记的义务 {label} 无法使用：{what}") from exc
    return obligation


def _words(value: Any) -> tuple[str, ...]:
    """A TOML string or list of strings as a tuple."""
    if isinstance(value, str):
        return (value,) if value else ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"应是文字或文字列表，实际是 {value!r}")
    return tuple(value)
