"""The files destroyed on a 鉴定 decision, as the audit chain records them: what verify, an export, a
package, an inspection and the desk should not look for (and say so when asked for one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .registry import Registry


@dataclass(frozen=True)
class DestroyedFile:
    """A stored file destroyed on a decision, as its ``destroy`` audit entry records it."""

    path: str
    sha256: str
    size: int
    role: str
    record_id: int
    archival_code: str
    decision: int
    destroyed_on: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size, "role": self.role,
                "record_id": self.record_id, "archival_code": self.archival_code, "decision": self.decision,
                "destroyed_on": self.destroyed_on}  # fmt: skip

    def describe(self) -> str:
        return f"档号 {self.archival_code} 的文件已按第 {self.decision} 号鉴定决定于 {self.destroyed_on} 销毁"


def destroyed_files(registry: Registry) -> dict[str, DestroyedFile]:
    """Every file destroyed on a decision, by its path (relative to the archive root), read from the
    audit chain's ``destroy`` entries: what verify, an export or an inspection should not look for.

    Read from the chain, not from ``record_states``: a state row can be written behind the tool's
    back, an audit entry cannot without breaking the chain (which verify catches)."""
    found: dict[str, DestroyedFile] = {}
    for entry in registry.db.execute("SELECT record_id, detail FROM audit WHERE action = 'destroy' ORDER BY id"):
        try:
            detail = json.loads(entry["detail"])
            for stored in detail.get("files", []):
                found[str(stored["path"])] = DestroyedFile(
                    str(stored["path"]), str(stored["sha256"]), int(stored["size"]), str(stored.get("role", "")),
                    int(entry["record_id"]), str(detail.get("archival_code", "")), int(detail["decision"]),
                    str(detail.get("destroyed_on", "")),
                )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed entry: the chain check reports a rewritten log
    return found
