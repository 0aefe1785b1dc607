"""Sign the audit checkpoint with the bureau's Ed25519 key, and check it with the public key.

``checkpoint.json`` anchors the audit chain outside the database, but whoever can edit the
database can usually edit that file too: recompute the chain, then write a checkpoint that agrees
with it. A signature closes that door. When a private key is configured
(:data:`ENV_KEY`, a PEM file read at every filing), every checkpoint written carries ``key`` (the
public key's fingerprint) and ``signature`` (Ed25519 over :func:`signed_bytes` of every other
field). ``lianzheng archive verify --public-key`` checks it with a public key given from outside
the archive: a key kept inside could be swapped along with everything else.

What a signature cannot do: stop the holder of the private key, or stop an insider from putting
back an older checkpoint that the key did sign and cutting the audit log to match it (a rollback).
The printed checkpoint in the year's dossier, and exports kept elsewhere, are the anchors against
that. No RFC 3161 timestamp: it needs a timestamp authority these machines cannot reach.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, LianzhengError, OutputError
from .errors import ArchiveError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

#: the private key checkpoints are signed with: a PEM file (PKCS#8), read at every filing
ENV_KEY = "LIANZHENG_CHECKPOINT_KEY"
#: the passphrase of an encrypted private key (only then)
ENV_PASSWORD = "LIANZHENG_CHECKPOINT_KEY_PASSWORD"
#: the public key ``archive verify`` checks the signature with, when ``--public-key`` is not given
ENV_PUBKEY = "LIANZHENG_CHECKPOINT_PUBKEY"
#: the fields a signature adds to a checkpoint
SIGNATURE_FIELDS = ("key", "signature")
#: put before the canonical JSON, so that a signature made here is never valid for anything else
DOMAIN = b"lianzheng-docs audit checkpoint v1\n"
#: a key file is a few hundred bytes; anything much larger is not one
MAX_KEY_BYTES = 64 * 1024
MAKE_KEYS = "可用 lianzheng archive keygen --private 私钥.pem --public 公钥.pem 生成一对密钥"


class SigningKeyError(ArchiveError):
    """The configured private key cannot be used: nothing is filed (exit 7)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"无法用签名私钥 {path}（环境变量 {ENV_KEY}）签署审计检查点：{reason}。本次操作没有执行，"
            f"什么也没有写入；请改正或取消 {ENV_KEY} 后重试（{MAKE_KEYS}）"
        )


class PublicKeyError(LianzhengError):
    """The public key given to check a signature cannot be read (exit 2, like a file to check)."""

    exit_code = ExitCode.USAGE

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"无法读取公钥 {path}：{reason}（应为 lianzheng archive keygen 写出的 Ed25519 公钥 PEM 文件）")


def fingerprint(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: short enough to read out."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signed_bytes(checkpoint: Mapping[str, Any]) -> bytes:
    """What is signed: :data:`DOMAIN`, then every field but ``signature`` as canonical JSON
    (keys sorted, no spaces, UTF-8). ``key`` is signed too, so it cannot be swapped."""
    fields = {name: value for name, value in checkpoint.items() if name != "signature"}
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return DOMAIN + text.encode("utf-8")


@dataclass(frozen=True)
class Signer:
    """A private key ready to sign checkpoints."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.private.public_key())

    def sign(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """``fields`` with ``key`` and ``signature`` added."""
        data = {name: value for name, value in fields.items() if name not in SIGNATURE_FIELDS}
        data["key"] = self.fingerprint
        data["signature"] = base64.b64encode(self.private.sign(signed_bytes(data))).decode("ascii")
        return data


#: parsed keys by (path, file bytes, passphrase): the file is read at every filing, decrypted once
_parsed: dict[tuple[str, bytes, str], Ed25519PrivateKey] = {}


def configured_signer(environ: Mapping[str, str] | None = None) -> Signer | None:
    """The signer :data:`ENV_KEY` names, read from its file now; None when it is not set.

    :raises SigningKeyError: the file is missing, unreadable, not a private key, not Ed25519, or
        encrypted without the right passphrase in :data:`ENV_PASSWORD`.
    """
    environ = os.environ if environ is None else environ
    name = environ.get(ENV_KEY, "").strip()
    if not name:
        return None
    return load_signer(Path(name), environ.get(ENV_PASSWORD) or None)


def load_signer(path: Path, passphrase: str | None = None) -> Signer:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = _read_key_file(path, SigningKeyError)
    cache_key = (str(path), data, passphrase or "")
    if cache_key in _parsed:
        return Signer(_parsed[cache_key], path)
    if b"PUBLIC KEY-----" in data and b"PRIVATE KEY-----" not in data:
        raise SigningKeyError(path, "这是公钥文件；签名要用私钥（公钥用于 archive verify --public-key）")
    try:
        key = load_pem_private_key(data, passphrase.encode("utf-8") if passphrase else None)
    except TypeError as exc:  # encrypted without a passphrase, or a passphrase for a plain key
        if passphrase:
            raise SigningKeyError(path, f"私钥没有加密，但设置了口令（环境变量 {ENV_PASSWORD}）") from exc
        raise SigningKeyError(path, f"私钥已加密，请在环境变量 {ENV_PASSWORD} 中给出口令") from exc
    except ValueError as exc:
        reason = "口令不对，或文件已损坏" if passphrase else "不是可读的 PEM 私钥文件"
        raise SigningKeyError(path, reason) from exc
    except Exception as exc:  # UnsupportedAlgorithm and the like
        raise SigningKeyError(path, f"不支持的私钥（{type(exc).__name__}）") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(path, f"不是 Ed25519 私钥（是 {_kind(key)}）")
    _parsed.clear()  # one key at a time is all a process needs
    _parsed[cache_key] = key
    return Signer(key, path)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in the PEM file ``path``.

    :raises PublicKeyError: missing, unreadable, a private key, or not Ed25519.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = _read_key_file(path, PublicKeyError)
    if b"PRIVATE KEY-----" in data:
        raise PublicKeyError(path, "这是私钥文件；校验要用公钥（keygen 的 --public 写出的文件），私钥不应交给校验的人")
    try:
        key = load_pem_public_key(data)
    except Exception as exc:  # ValueError, UnsupportedAlgorithm
        raise PublicKeyError(path, "不是可读的 PEM 公钥文件") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise PublicKeyError(path, f"不是 Ed25519 公钥（是 {_kind(key)}）")
    return key


def _read_key_file(path: Path, error: type[SigningKeyError] | type[PublicKeyError]) -> bytes:
    try:
        if path.is_dir():
            raise error(path, "这是一个文件夹")
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError as exc:
        raise error(path, "文件不存在") from exc
    except PermissionError as exc:
        raise error(path, "没有读取权限") from exc
    except OSError as exc:
        raise error(path, exc.strerror or str(exc)) from exc
    if len(data) > MAX_KEY_BYTES:
        raise error(path, "文件太大，不是密钥文件")
    return data


def _kind(key: object) -> str:
    name = type(key).__name__.lstrip("_")
    for prefix in ("RSA", "EllipticCurve", "DSA", "Ed448", "X25519", "X448"):
        if name.startswith(prefix):
            return {"EllipticCurve": "ECDSA"}.get(prefix, prefix) + " 密钥"
    return name


def check_signature(checkpoint: Mapping[str, Any], public: Ed25519PublicKey) -> str | None:
    """Why ``checkpoint`` does not verify with ``public`` (Chinese), or None when it does."""
    from cryptography.exceptions import InvalidSignature

    signature, key = checkpoint.get("signature"), checkpoint.get("key")
    if not signature:
        return "检查点没有签名：它不是用签名私钥写的（未配置签名私钥时归档，或被人重写过）"
    expected = fingerprint(public)
    if key != expected:
        return (f"检查点的签名密钥不是给定的公钥（检查点的密钥指纹 {key}，给定公钥的指纹 {expected}）："
                "检查点被人用别的密钥重新签过")  # fmt: skip
    try:
        raw = base64.b64decode(str(signature), validate=True)
        public.verify(raw, signed_bytes(checkpoint))
    except (InvalidSignature, binascii.Error, ValueError):
        return "检查点的签名不符：签名之后检查点被改动过（条数、链头或时间）"
    return None


# ---------------------------------------------------------------------- key generation


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public: Path
    fingerprint: str
    encrypted: bool


def generate_keys(private: Path, public: Path, *, passphrase: str | None = None, overwrite: bool = False) -> KeyPair:
    """Write a new Ed25519 key pair: ``private`` (PKCS#8 PEM, mode 0600, encrypted with
    ``passphrase`` when given) and ``public`` (SubjectPublicKeyInfo PEM).

    Without ``overwrite`` neither file is replaced, and when either exists neither is written.

    :raises OutputError: a file exists (and not ``overwrite``), both paths are the same, or a file
        cannot be written; a private key written before the public key failed is removed again.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    from ..fileio import write_atomic

    if private.resolve() == public.resolve():
        raise OutputError("私钥和公钥不能写到同一个文件")
    for path in (private, public):
        if path.is_dir():
            raise OutputError(f"输出路径 {path} 是一个文件夹；请给出文件名，如 {path / '公钥.pem'}")
        if path.exists() and not overwrite:
            raise OutputError(f"文件 {path} 已存在；如要覆盖（原来的密钥将无法找回），请加 --force")
    key = Ed25519PrivateKey.generate()
    encryption = BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase else NoEncryption()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
    write_atomic(private, pem, overwrite=overwrite, mode=0o600)  # 0600 from the first byte
    try:
        write_atomic(public, key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
                     overwrite=overwrite)  # fmt: skip
    except BaseException:
        private.unlink(missing_ok=True)  # a private key without its public key is of no use
        raise
    return KeyPair(private, public, fingerprint(key.public_key()), bool(passphrase))


