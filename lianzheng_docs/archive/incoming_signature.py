"""Whether to trust a transfer package: its 电子签名 over the 被签名对象, judged.

With a public key given from outside, the package must carry that key's valid Ed25519 signature;
without one, the package's own key or digest must match (which catches damage, not forgery).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING, Any

from .incoming import _text
from .package import ALGORITHM_DIGEST, ALGORITHM_SIGNED, canonical, qualified

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def _check_signature(
    root: Any, signed: Any, public_key: Ed25519PublicKey | None, problems: list[str]
) -> tuple[str, str | None]:
    """Judge the 电子签名 over the 被签名对象: (verified | unchecked | unsigned, key fingerprint)."""
    from cryptography.exceptions import InvalidSignature

    from .signing import fingerprint

    signature = root.find(f"{qualified('电子签名块')}/{qualified('电子签名')}")
    if signature is None:
        problems.append("没有电子签名块：无法确认封装包在封装之后未被改动")
        return "unsigned", None
    algorithm = _text(signature, "签名算法标识")
    result = base64.b64decode("".join(_text(signature, "签名结果").split()))
    data = canonical(signed)
    if algorithm == ALGORITHM_DIGEST:
        if public_key is not None:
            problems.append(f"封装包没有签名（只有 SHA-256 摘要），而接收时要求用公钥（指纹 {fingerprint(public_key)}）"
                            "核对签名：不能确认它来自持有私钥的单位")  # fmt: skip
        elif hashlib.sha256(data).digest() != result:
            problems.append("封装包的摘要不符：“被签名对象”（元数据、文件或业务记录）在封装之后被改动过或已损坏")
        return "unsigned", None
    if algorithm != ALGORITHM_SIGNED:
        problems.append(f"不认识的签名算法“{algorithm}”（本系统用 {ALGORITHM_SIGNED}，未签名时为 {ALGORITHM_DIGEST}）")
        return "unsigned", None
    own = _embedded_key(signature)
    key = public_key or own
    if key is None:
        problems.append("签名算法是 Ed25519，但封装包中没有签名公钥，也没有给出 --public-key：无法核对签名")
        return "unchecked", None
    if public_key is not None and own is not None and fingerprint(own) != fingerprint(public_key):
        problems.append(f"签名密钥不是给定的公钥（封装包中的密钥指纹 {fingerprint(own)}，给定公钥的指纹 "
                        f"{fingerprint(public_key)}）：封装包被人用别的密钥重新签过，或公钥给错了")  # fmt: skip
        return "failed", fingerprint(own)
    try:
        key.verify(result, data)
    except InvalidSignature:
        problems.append("电子签名不符：签名之后“被签名对象”（元数据、文件或业务记录）被改动过，或签名被替换；"
                        "请向移交单位索取原封装包")  # fmt: skip
    return ("verified" if public_key is not None else "unchecked"), fingerprint(key)


def _embedded_key(signature: Any) -> Ed25519PublicKey | None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    certificate = signature.find(f"{qualified('证书块')}/{qualified('证书')}")
    if certificate is None or not (certificate.text or "").strip():
        return None
    try:
        key = load_der_public_key(base64.b64decode("".join(certificate.text.split())))
    except (ValueError, binascii.Error):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None
