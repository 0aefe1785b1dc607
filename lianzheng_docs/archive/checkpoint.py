"""The checkpoint outside the database: the audit chain's length and head, written to
``checkpoint.json`` beside the registry after each commit that adds audit entries (signed when the
environment configures a key), and read back by verify, exports and dossiers.

:class:`Checkpoints` is the part of :class:`.registry.Registry` that writes and reads it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import LianzhengError
from .chain import GENESIS, now
from .errors import disk_full
from .signing import ENV_KEY, configured_signer  # cryptography is imported only when a key is set

if TYPE_CHECKING:
    from .signing import Signer

CHECKPOINT = "checkpoint.json"


def parse_checkpoint(source: Path | bytes) -> dict[str, Any] | None:
    """The fields of a checkpoint (a file, or its bytes from an export); None when it is missing or
    not one (no entry count and head of the right types)."""
    try:
        raw = source if isinstance(source, bytes) else source.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        int(data["audit_entries"])
        str(data["audit_head"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data


class Checkpoints:
    """The checkpoint of a registry (mixed into :class:`.registry.Registry`, whose database, path,
    warnings and settings it uses)."""

    path: Path
    db: sqlite3.Connection
    warnings: list[str]

    if TYPE_CHECKING:

        def setting(self, key: str, default: str) -> str: ...

        def set_setting(self, key: str, value: str) -> None: ...

    @property
    def checkpoint_path(self) -> Path:
        return self.path.with_name(CHECKPOINT)

    def audit_head(self) -> tuple[int, str]:
        """(number of audit entries, hash of the last one) as the database holds them now."""
        row = self.db.execute("SELECT count(*) AS n, (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) AS h "
                              "FROM audit").fetchone()  # fmt: skip
        return int(row["n"]), str(row["h"] or GENESIS)

    @staticmethod
    def _signer() -> Signer | None:
        """The private key the environment configures (:data:`.signing.ENV_KEY`), read from its file
        now (so a key replaced or withdrawn counts from the next filing); None when there is none."""
        return configured_signer()

    def write_checkpoint(self, signer: Signer | Literal["env"] | None = "env", *, reads_only: bool = False) -> bool:
        """Record the audit chain's length and head in ``checkpoint.json`` beside the database.

        Someone who can edit the database can recompute the whole chain; they cannot make it agree
        with a head written outside it at each commit (and kept in exports and dossiers). Written
        under a file lock from the database's latest state, so it only moves forward even when
        several processes file at once. Signed by ``signer`` (by default the key the environment
        configures, :data:`.signing.ENV_KEY`), someone who can also rewrite the file cannot make
        one that verifies with the bureau's public key.

        Called after a commit, which stands whatever happens here: a checkpoint that cannot be
        written (a full disk, a bad key when the default is read here) is a warning in
        :attr:`warnings` and False. The checkpoint then lags behind the chain, which verify accepts
        (as after a crash between the two); the next commit writes it up to date.
        """
        try:
            self._write_checkpoint(self._signer() if signer == "env" else signer, reads_only=reads_only)
        except (OSError, LianzhengError, sqlite3.Error) as exc:
            reason = "磁盘空间不足" if disk_full(exc, self.path.parent) else getattr(exc, "message", None) or str(exc)
            self.warnings.append(
                f"已写入登记库，但库外的审计检查点 {CHECKPOINT} 未能更新（{reason}）；它仍是上一次的状态，"
                "校验照常通过，下次写入登记库时会补上"
            )
            return False
        return True

    def _write_checkpoint(self, signer: Signer | None, *, reads_only: bool = False) -> None:
        from ..fileio import write_atomic

        try:
            import fcntl
        except ImportError:  # Windows: no flock; the newer-only rule below still holds per process
            fcntl = None  # type: ignore[assignment]
        with open(self.path.with_name(CHECKPOINT + ".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                count, head = self.audit_head()
                previous = self.checkpoint()
                if previous is not None and int(previous["audit_entries"]) >= count:
                    return
                if reads_only and signer is None and previous is not None and previous.get("signature"):
                    return  # a view or download where there is no key never unsigns the checkpoint (verify notes them)
                data: dict[str, Any] = {"audit_entries": count, "audit_head": head, "written_at": now()}
                if signer is not None:
                    data = signer.sign(data)
                elif previous is not None and previous.get("signature"):
                    self.warnings.append(
                        f"上一个审计检查点是签过名的，本次没有配置签名私钥（环境变量 {ENV_KEY}），新的检查点"
                        "未签名：用公钥校验（archive verify --public-key）时会报告；请在配置了私钥的机器上归档"
                    )
                write_atomic(self.checkpoint_path, json.dumps(data, ensure_ascii=False).encode(), overwrite=True)
                if not self.setting("checkpointed", ""):
                    self.set_setting("checkpointed", "1")
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def read_checkpoint(self) -> tuple[int, str] | None:
        """(entries, head) from ``checkpoint.json``, or None when there is none or it is unreadable."""
        data = self.checkpoint()
        return None if data is None else (int(data["audit_entries"]), str(data["audit_head"]))

    def checkpoint(self) -> dict[str, Any] | None:
        """Every field of ``checkpoint.json`` (``audit_entries``, ``audit_head``, ``written_at``, and
        when signed ``key`` and ``signature``), or None when there is none or it is unreadable."""
        return parse_checkpoint(self.checkpoint_path)
