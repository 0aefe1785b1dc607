"""What the registry's audit chain is made of: the hash that links each entry to the one before
(from :data:`GENESIS`), the digest of a row that an entry fixes, and the time stamp every entry and
row carries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

GENESIS = "sha256:" + "0" * 64


def row_digest(values: Mapping[str, object]) -> str:
    """A digest of a row's values (canonical JSON), kept in its audit entry so that verify can tell
    a row edited behind the tool's back."""
    text = json.dumps({key: values[key] for key in sorted(values)}, ensure_ascii=False, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def chain_hash(prev_hash: str, at: str, actor: str, action: str, record_id: int | None, detail: str) -> str:
    """The hash of one audit entry: it covers the previous entry's hash, so history cannot be rewritten."""
    payload = json.dumps([prev_hash, at, actor, action, record_id, detail], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
