"""What each plugin may claim: template ids in its own namespace, and its own 机关代字.

Read when plugins load, before any hook about a template is asked: the manifests the template
sources hold are opened just far enough to see each template's ``id`` and ``[numbering] prefix``
(the catalog reads them fully later, and reports a broken one). Then

- a plugin's templates must lie in its namespace (``tzps:...``) and its sources must name it as owner;
- the 机关代字 of the built-in templates belong to the bureau (``builtin``), and each plugin's to
  that plugin; a plugin declaring a built-in 代字, or two plugins declaring the same, are refused
  with both owners named: a 代字 is one 发文机关's sequence of 文号, and a document filed under
  another's would take the next number of that sequence.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .sources import TemplateSource

__all__ = ["LOCAL_OWNERS", "Claim", "claims", "describe_owner", "namespace", "normalise_prefix", "refusals"]

#: owners whose template ids are not namespaced: the library's own templates and a local folder
LOCAL_OWNERS = frozenset({"builtin", "local"})


@dataclass(frozen=True)
class Claim:
    """One template as its manifest declares it: its id, its 代字 and the file that says so."""

    owner: str
    template_id: str  # as the catalog will list it: tzps:report
    prefix: str  # normalised; "" when the manifest declares none
    file: str


def describe_owner(owner: str | None) -> str:
    """``内置模板``, ``本地模板`` or ``插件 tzps``: who owns an id or a 代字, for messages."""
    if owner in (None, "", "builtin"):
        return "内置模板"
    if owner == "local":
        return "本地模板"
    return f"插件 {owner}"


def namespace(template_id: str) -> str | None:
    """The plugin a template id belongs to (``tzps`` of ``tzps:report``); None for a built-in id."""
    return template_id.split(":", 1)[0] if ":" in template_id else None


def normalise_prefix(prefix: str) -> str:
    """A 代字 as compared for ownership: NFKC (full-width Ｘ is X) without spaces."""
    return "".join(unicodedata.normalize("NFKC", prefix).split())


def claims(owner: str, source: TemplateSource) -> list[Claim]:
    """The templates of ``source`` as ``owner`` would provide them; unreadable manifests are skipped here."""
    found = []
    for entry in sorted(source.root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or not entry.is_file():
            continue
        try:
            raw = tomllib.loads(entry.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            continue  # the catalog reports it, with the manifest parser's message
        manifest_id = raw.get("id", entry.name[:-5])
        numbering = raw.get("numbering")
        prefix = numbering.get("prefix", "") if isinstance(numbering, dict) else ""
        if not isinstance(manifest_id, str) or not isinstance(prefix, str):
            continue
        template_id = manifest_id if owner in LOCAL_OWNERS or ":" in manifest_id else f"{owner}:{manifest_id}"
        found.append(Claim(owner, template_id, normalise_prefix(prefix), f"{owner}:{entry.name}"))
    return found


def refusals(sources: Iterable[tuple[str, TemplateSource]]) -> tuple[dict[str, str], dict[str, str]]:
    """(plugin -> why it is refused, 代字 -> its owner) for the template sources of the loaded plugins.

    ``builtin`` is never refused: its 代字 are registered first, and a plugin that declares one of
    them is refused. A 代字 two plugins declare is refused to both (neither can prove it is theirs).
    """
    refused: dict[str, str] = {}
    found: dict[str, list[Claim]] = {}
    for owner, source in sources:
        if source.owner != owner:
            refused.setdefault(
                owner,
                f"模板来源（TemplateSource）标明属于{describe_owner(source.owner)}；插件只能提供自己名下的模板"
                f'（TemplateSource.package(..., owner="{owner}")）',
            )
            continue
        try:
            owned = claims(owner, source)
        except OSError:
            continue  # a folder that is not there: the catalog marks the plugin failed, with the path
        for claim in owned:
            space = namespace(claim.template_id)
            if owner not in LOCAL_OWNERS and space != owner:
                refused.setdefault(
                    owner,
                    f"模板 {claim.template_id}（{claim.file}）属于{describe_owner(space)}，插件 {owner} 不能提供它",
                )
            found.setdefault(owner, []).append(claim)
    builtin = {c.prefix: c for c in found.get("builtin", []) if c.prefix}
    owners: dict[str, dict[str, Claim]] = {}  # 代字 -> plugin -> one of its templates declaring it
    for owner, owned in found.items():
        if owner in LOCAL_OWNERS or owner in refused:
            continue
        for claim in owned:
            if claim.prefix:
                owners.setdefault(claim.prefix, {}).setdefault(owner, claim)
    for prefix, by_owner in sorted(owners.items()):
        if prefix in builtin:
            for owner, claim in by_owner.items():
                refused.setdefault(
                    owner,
                    f"模板 {claim.template_id} 的机关代字 {prefix} 属于内置模板（如 {builtin[prefix].template_id}）："
                    f"插件 {owner} 不能用它编号，请在模板清单 [numbering] prefix 中改用本单位的代字",
                )
        elif len(by_owner) > 1:
            named = "、".join(f"插件 {o}（{c.template_id}）" for o, c in sorted(by_owner.items()))
            for owner in by_owner:
                refused.setdefault(
                    owner, f"机关代字 {prefix} 同时由{named}声明：一个代字只属于一个发文机关，都不予加载"
                )
    registry = {prefix: "builtin" for prefix in builtin}
    for prefix, by_owner in owners.items():
        usable = [owner for owner in by_owner if owner not in refused]
        if prefix not in registry and len(usable) == 1:
            registry[prefix] = usable[0]
    return refused, registry
