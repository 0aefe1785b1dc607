"""Who is asking and what they may do: the desk's one home for roles, capabilities and visibility.

Every view asks here (:func:`require`, :func:`can_see`, :func:`visible_unit`) instead of deciding
for itself, so a rule changes in one place and a test of this module covers every page.

Two modes:

- **本机 (no accounts)**: the desk listens on loopback only and whoever sits at the PC is the local
  办公室 clerk (:data:`LOCAL`), as at the command line.
- **Accounts** (``lianzheng users add``): every request carries a session or an API token; the
  user's role decides:

  =======  ==============================================================================
  办公室    everything: all records, all templates, 名册, 批量, 检查, 落实情况 of every unit
  纪检组    records of its own unit and every 通报; templates (filed under its own unit); 检查; 落实情况
  科室      records of its own unit; templates (filed under its own unit); 检查; its own 落实情况
  只读      every record, 检索 and 落实情况; produces and uploads nothing
  =======  ==============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..errors import ExitCode, LianzhengError

if TYPE_CHECKING:
    from starlette.requests import Request

    from ..archive import Record


class Role(StrEnum):
    OFFICE = "办公室"
    DISCIPLINE = "纪检组"
    SECTION = "科室"
    READER = "只读"


class Capability(StrEnum):
    """What a page or API call needs."""

    READ = "read"  # see records (those :func:`can_see` allows), search, download them
    PRODUCE = "produce"  # render, download and file documents from templates
    CHECK = "check"  # upload a document to the checker
    STATUS = "status"  # the 落实情况 board (filtered by :func:`visible_unit`)
    ROSTER = "roster"  # upload and keep the 名册
    BATCH = "batch"  # run a batch for the roster
    ADMIN = "admin"  # accounts (CLI only for now)


ALL_UNITS_READ = frozenset({Role.OFFICE, Role.READER})

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OFFICE: frozenset(Capability),
    Role.DISCIPLINE: frozenset({Capability.READ, Capability.PRODUCE, Capability.CHECK, Capability.STATUS}),
    Role.SECTION: frozenset({Capability.READ, Capability.PRODUCE, Capability.CHECK, Capability.STATUS}),
    Role.READER: frozenset({Capability.READ, Capability.STATUS}),
}

#: 文种 a 纪检组 account sees whatever unit filed them.
DISCIPLINE_KINDS = frozenset({"通报"})


@dataclass(frozen=True)
class User:
    """The person behind a request: an account, or the local clerk when there are none."""

    name: str
    role: Role
    unit: str = ""
    display: str = ""
    local: bool = False

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        if self.local:
            return f"{self.name}（网页，本机）"
        return f"{self.name}（网页，{self.role}{'·' + self.unit if self.unit else ''}）"

    def can(self, capability: Capability) -> bool:
        return capability in CAPABILITIES[self.role]


class Forbidden(LianzhengError):
    """The user's role does not allow this (HTTP 403)."""

    exit_code = ExitCode.USAGE
    http_status = 403


class NotSignedIn(LianzhengError):
    """Accounts exist and the request has no valid session or token (HTTP 401)."""

    exit_code = ExitCode.USAGE
    http_status = 401


def user_of(request: Request) -> User:
    """The request's user, set by the sign-in middleware (:mod:`.auth`)."""
    user = getattr(request.state, "user", None)
    if not isinstance(user, User):
        raise NotSignedIn("请先登录")
    return user


def require(request: Request, capability: Capability) -> User:
    """The request's user, if their role has ``capability``; else :class:`Forbidden`."""
    user = user_of(request)
    if not user.can(capability):
        raise Forbidden(f"账号 {user.name}（{user.role}）无权进行此操作")
    return user


@dataclass(frozen=True)
class Scope:
    """A part of what a user may see: the records of one unit, or those of one 文种 from every unit."""

    unit: str | None = None
    kind: str | None = None

    def admits(self, kind: str, unit: str) -> bool:
        return (self.unit is None or unit == self.unit) and (self.kind is None or kind == self.kind)


def scopes(user: User) -> list[Scope] | None:
    """What ``user`` may see, as conditions the archive and the index can apply (None: everything).

    The one statement of the rule: :func:`can_see` reads it for one record, and the listings and
    searches ask the archive for these parts only, so their pages and counts are right without
    reading what would be dropped.
    """
    if user.role in ALL_UNITS_READ:
        return None
    parts = [Scope(unit=user.unit)] if user.unit else []
    if user.role is Role.DISCIPLINE:
        parts += [Scope(kind=kind) for kind in sorted(DISCIPLINE_KINDS)]
    return parts


def visible(parts: list[Scope] | None, kind: str, unit: str) -> bool:
    """Whether a record of ``kind`` and ``unit`` lies in ``parts`` (None: everything)."""
    return parts is None or any(part.admits(kind, unit) for part in parts)


def can_see(user: User, record: Record) -> bool:
    """Whether ``user`` may see ``record`` (its page, its files, its lines in search and lists)."""
    return visible(scopes(user), record.kind, record.unit)


def require_record(request: Request, record: Record) -> User:
    """The request's user, if they may read ``record``; else :class:`Forbidden` (the record's 档号 not named)."""
    user = require(request, Capability.READ)
    if not can_see(user, record):
        raise Forbidden(f"账号 {user.name} 无权查看这件档案（只能查看本单位“{user.unit}”的文件）")
    return user


def visible_unit(user: User) -> str | None:
    """The one unit whose 落实情况 and records ``user`` is limited to, or None for all units.

    (A 纪检组 sees all units' 落实情况: supervising them is its job; its records are limited by
    :func:`can_see`.)"""
    return user.unit if user.role is Role.SECTION else None


def may_file_for(user: User, unit: str) -> bool:
    """Whether ``user`` may produce a document whose 单位 is ``unit`` (办公室: any; others: their own)."""
    return user.role is Role.OFFICE or (bool(user.unit) and unit == user.unit)

