"""Hook specifications for lianzheng-docs plugins.

A sub-unit (副县级二级机构) brings its own templates, roster, numbering and obligations as a
separate package that declares an entry point in the ``lianzheng_docs.plugins`` group. Each hook
below is implemented by marking a function of that module with :data:`hookimpl`. The built-in
templates are provided through the same hooks by :mod:`lianzheng_docs.plugins.builtin`.

A hook that concerns one template (numbering, data preparation) is only ever asked of the plugin
that owns the template: no plugin can number or change another plugin's documents.

Every answer is checked against the return annotation below (and the :class:`UnitSpec` and
:class:`ObligationSpec` TypedDicts) by :mod:`.contracts`: a wrong answer, or an exception, sets
that plugin's answer aside and marks it degraded with the reason; the other plugins go on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Required, TypedDict

import pluggy

if TYPE_CHECKING:
    import click

    from ..archive import Record
    from .sources import TemplateSource

PROJECT = "lianzheng_docs"
#: The entry-point group installed plugins declare (``[project.entry-points."lianzheng_docs.plugins"]``).
ENTRY_POINT_GROUP = "lianzheng_docs.plugins"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class UnitSpec(TypedDict, total=False):
    """One unit of a plugin's roster, as ``lianzheng_units`` returns it (the keys of a roster row)."""

    name: Required[str]  # 科室(单位)
    head: str  # 主要负责人
    post: str  # 职务
    leader: str  # 分管领导
    kind: str  # 类别: 科室 (default), 二级机构, 县区财政部门


class ObligationSpec(TypedDict, total=False):
    """One document a plugin's 实施办法 requires, as ``lianzheng_obligations`` returns it.

    The keys of ``duties/obligations/obligations.toml``; ``id`` and ``title`` are required, and at
    least one of ``template`` and ``keyword``.
    """

    id: Required[str]
    title: Required[str]
    clause: str
    party: str
    owner: str  # another name for party
    to: str
    template: str
    keyword: str
    also_keywords: list[str]  # 题名 words that satisfy it whatever the template (a 约谈 for a 谈话)
    exclude: str
    title_year: bool
    per_unit: bool
    per_person: list[str]  # one row per person of these roster groups: 班子成员, 科室负责人
    unit: str
    unit_kinds: list[str]
    window: list[str]  # ["01-01", "+1:01-15"]
    due: str  # "03-31", "+1:01-15" or "7 days after event"
    min_count: int
    recipients: list[str]  # 分别报送: each must be the 主送 of a document (市委, 市纪委)
    event: bool
    after_template: str  # due ``days`` after each filed document of this template (a 告知书's reply)
    owed_by_party: bool  # with after_template: owed by ``party`` about the record's unit, not by that unit
    days: int
    rule: str


# -------------------------------------------------------------------------------------------
# Templates
# -------------------------------------------------------------------------------------------


@hookspec
def lianzheng_template_sources() -> list[TemplateSource]:
    """Return the folders of templates this plugin provides.

    Build each with ``TemplateSource.package("my_plugin.templates", owner=...)`` so that the files
    are found through :mod:`importlib.resources` and work from an installed wheel; declare the
    ``*.toml`` and ``*.docx`` files as package data. ``owner`` is the plugin's name. Template ids
    are namespaced by it: ``inspection_report`` of plugin ``tzps`` is ``tzps:inspection_report``.

    Asked once, when the plugins load: the 机关代字 the manifests declare (``[numbering] prefix``)
    are then registered to the plugin, and a plugin declaring a built-in template's 代字 or another
    plugin's is refused.

    :return: a list of sources (empty when the plugin brings none).

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def lianzheng_number_prefix(template_id: str) -> str | None:
    """Return the 机关代字 the archive numbers the plugin's template ``template_id`` with.

    Kept for plugins written before 代字 were owned: declare the 代字 in the template's manifest
    (``[numbering] prefix``) instead. Asked only of the plugin that owns the template, when it is
    filed. An answer must be one of the 代字 the plugin's own manifests declare; any other fails
    the filing, naming the 代字's owner. Stops at first non-None result.

    :param template_id: the template's full id, e.g. ``tzps:inspection_report``.
    :return: e.g. ``"X财评"`` (giving X财评〔2026〕1号), or None to use the manifest's prefix.
    """


@hookspec(firstresult=True)
def lianzheng_prepare_data(template_id: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """Return the data for one of the plugin's templates with its defaults filled in.

    Asked only of the owner, before validation against the manifest. Raise
    :class:`lianzheng_docs.ValidationError` to reject data with the plugin's own rules.
    Stops at first non-None result.

    :return: the prepared data, or None to leave it as it is.
    """


# -------------------------------------------------------------------------------------------
# Roster and obligations
# -------------------------------------------------------------------------------------------


@hookspec
def lianzheng_units() -> list[UnitSpec]:
    """Return the plugin's roster: one mapping per unit (``name``, ``head``, ``post``, ``leader``, ``kind``).

    Clerks use it with ``--roster plugin:NAME``; it is checked like a roster file.
    """


@hookspec
def lianzheng_obligations() -> list[ObligationSpec]:
    """Return the documents the plugin's 实施办法 requires, one mapping each.

    Keys are those of ``lianzheng_docs/duties/obligations/obligations.toml``: ``id`` (prefix it with the plugin's
    name, e.g. ``"tzps:..."``), ``title``, ``template`` and/or ``keyword`` (what in the archive
    satisfies it), ``party`` (or ``owner``), ``to``, ``clause``, ``per_unit``, ``min_count``, and
    the deadline as ``window = ["01-01", "+1:01-15"]`` or the shorthand ``due``: ``"03-31"`` (by
    that day each year), ``"+1:01-15"`` (by that day the next year) or ``"7 days after event"``.
    A mapping that cannot be used is left out, and the plugin marked degraded with the reason
    (``status`` shows it); the plugin's other obligations and every other plugin's are judged.
    """


# -------------------------------------------------------------------------------------------
# Archive and command line
# -------------------------------------------------------------------------------------------


@hookspec
def lianzheng_record_filed(record: Record) -> None:
    """React after a document has been filed (notify, copy elsewhere).

    Called for every plugin after the filing has committed; an exception is reported as a
    warning naming the plugin, and the filing stands.

    :param record: the filed record, with its 档号, 文号 and files.
    """


@hookspec
def lianzheng_commands() -> list[click.Command]:
    """Return click commands to add to ``lianzheng`` at the top level (``lianzheng my-command``).

    A command whose name a built-in command has (``render``, ``archive`` ...), or that another
    plugin offers too, is not added, and the plugin is marked degraded saying so.
    """
