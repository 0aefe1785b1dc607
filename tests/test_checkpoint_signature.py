"""The audit checkpoint signed with the bureau's key (issue 15, item 1: "a signature by a configured key").

An insider who can edit the database and ``checkpoint.json`` recomputes the chain (the helpers of
``test_tamper``) and writes a checkpoint that agrees with it: unsigned, signed with his own key, or
the signed one with its head changed. Verified with the bureau's public key, given from outside the
archive, each is caught with its own message; without a key configured nothing changes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from test_tamper import recompute_chain, sql

from lianzheng_docs import Catalog
from lianzheng_docs.archive import Archive
from lianzheng_docs.archive.signing import (
    ENV_KEY,
    ENV_PASSWORD,
    SigningKeyError,
    generate_keys,
    load_public_key,
    load_signer,
)
from lianzheng_docs.archive.verify import verify


@pytest.fixture
def keys(tmp_path):
    """The bureau's key pair and an insider's (same tool, his own key)."""
    bureau = generate_keys(tmp_path / "局" / "签名私钥.pem", tmp_path / "局" / "公钥.pem")
    insider = generate_keys(tmp_path / "内鬼" / "私钥.pem", tmp_path / "内鬼" / "公钥.pem")
    return bureau, insider


def file_two(root: Path) -> None:
    catalog = Catalog.default()
    with Archive(root) as archive:
        for contact in ("甲", "乙"):
            template = catalog.get("risk_notice")
            data = {k: v for k, v in template.example().items() if k != "doc_number"} | {"contact": contact}
            archive.file_rendered(template, data, allow_future_date=True)


@pytest.fixture
def signed(tmp_path, keys, monkeypatch):
    """An archive filed with the bureau's key configured; the key is unset again afterwards."""
    root = tmp_path / "档案"
    monkeypatch.setenv(ENV_KEY, str(keys[0].private))
    file_two(root)
    monkeypatch.delenv(ENV_KEY)
    return root


def checkpoint_of(root: Path) -> dict:
    return json.loads((root / "checkpoint.json").read_text(encoding="utf-8"))


def report_of(root: Path, public: Path | None = None, **options):
    with Archive(root, create=False) as archive:
        key = load_public_key(public) if public is not None else None
        return verify(archive.root, archive.registry, public_key=key, **options)


def rewrite_history(root: Path) -> None:
    """What the insider of test_tamper does: change a title, drop its digest, recompute the chain."""
    sql(root, "UPDATE records SET title = '关于某事的报告' WHERE id = 1")
    db = sqlite3.connect(root / "registry.sqlite3")
    for (name,) in list(db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")):
        db.execute(f"DROP TRIGGER {name}")
    detail = json.loads(db.execute("SELECT detail FROM audit WHERE action = 'file' ORDER BY id LIMIT 1").fetchone()[0])
    detail.pop("meta")
    db.execute("UPDATE audit SET detail = ? WHERE id = (SELECT min(id) FROM audit WHERE action = 'file')",
               (json.dumps(detail, ensure_ascii=False, sort_keys=True),))  # fmt: skip
    db.commit()
    db.close()
    recompute_chain(root)


def head_in_database(root: Path) -> dict:
    db = sqlite3.connect(root / "registry.sqlite3")
    count, head = db.execute("SELECT count(*), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) FROM audit").fetchone()
    db.close()
    return {"audit_entries": count, "audit_head": head, "written_at": checkpoint_of(root)["written_at"]}


def messages(report) -> list[str]:
    return [issue.message for issue in report.issues]


# ---------------------------------------------------------------------- signing and verifying


def test_a_signed_checkpoint_verifies_with_the_bureaus_public_key(signed, keys, run):
    bureau, _ = keys
    checkpoint = checkpoint_of(signed)
    assert checkpoint["key"] == bureau.fingerprint and checkpoint["signature"]
    report = report_of(signed, bureau.public)
    assert report.ok and report.signature == "verified", report.issues
    result = run("archive", "verify", "--archive", signed, "--public-key", bureau.public)
    assert result.exit_code == 0 and "检查点签名有效" in result.stdout and bureau.fingerprint in result.stdout
    as_json = json.loads(run("archive", "verify", "--archive", signed, "--public-key", bureau.public, "--json").stdout)
    assert as_json["checkpoint"]["signature_status"] == "verified"


def test_the_python_api_verifies_with_a_public_key_and_an_anchor(signed, keys):
    bureau, stranger = keys
    with Archive(signed, create=False) as archive:
        entries, head = archive.registry.audit_head()
        printed = head.removeprefix("sha256:")[:16]  # as the 备考表 prints it
        assert archive.verify(public_key=load_public_key(bureau.public), anchors=[(entries, printed)]).ok
        assert not archive.verify(public_key=load_public_key(stranger.public)).ok


def test_the_public_key_may_come_from_the_environment(signed, keys, run, monkeypatch):
    monkeypatch.setenv("LIANZHENG_CHECKPOINT_PUBKEY", str(keys[1].public))  # the wrong one
    result = run("archive", "verify", "--archive", signed)
    assert result.exit_code == 1 and "签名密钥不是给定的公钥" in result.stdout


def test_without_a_public_key_a_signed_checkpoint_is_only_noted(signed, run):
    result = run("archive", "verify", "--archive", signed)
    assert result.exit_code == 0
    assert "已签名（未核对签名，请用 --public-key）" in result.stdout


def test_an_insider_who_rewrites_the_checkpoint_unsigned_is_caught(signed, keys, run):
    rewrite_history(signed)
    (signed / "checkpoint.json").write_text(json.dumps(head_in_database(signed)), encoding="utf-8")
    assert report_of(signed).ok  # without the public key this is the attack that used to pass
    result = run("archive", "verify", "--archive", signed, "--public-key", keys[0].public)
    assert result.exit_code == 1 and "检查点没有签名" in result.stdout


def test_an_insider_who_signs_with_his_own_key_is_caught(signed, keys):
    bureau, insider = keys
    rewrite_history(signed)
    forged = load_signer(insider.private).sign(head_in_database(signed))
    (signed / "checkpoint.json").write_text(json.dumps(forged), encoding="utf-8")
    assert report_of(signed, insider.public).ok  # his own key agrees, of course
    report = report_of(signed, bureau.public)
    assert not report.ok and {i.kind for i in report.issues} == {"signature"}
    assert any("签名密钥不是给定的公钥" in m and insider.fingerprint in m for m in messages(report))


def test_an_insider_who_keeps_the_signature_but_changes_the_head_is_caught(signed, keys):
    rewrite_history(signed)
    checkpoint = checkpoint_of(signed) | {"audit_head": head_in_database(signed)["audit_head"]}
    (signed / "checkpoint.json").write_text(json.dumps(checkpoint), encoding="utf-8")
    report = report_of(signed, keys[0].public)
    assert not report.ok and any("签名不符" in m for m in messages(report))


def test_an_insider_who_deletes_the_checkpoint_is_caught_with_the_key(signed, keys):
    (signed / "checkpoint.json").unlink()
    sql(signed, "DELETE FROM settings WHERE key = 'checkpointed'")  # so the old check says nothing
    assert report_of(signed).ok
    report = report_of(signed, keys[0].public)
    assert not report.ok and any("检查点没有签名" in m for m in messages(report))


def test_audit_entries_appended_after_the_signed_checkpoint_are_not_confirmed(signed, keys):
    """He cannot sign, so he leaves the checkpoint and appends a forged entry to the chain."""
    db = sqlite3.connect(signed / "registry.sqlite3")
    prev = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    from lianzheng_docs.archive.registry import chain_hash

    detail = json.dumps({"fonds": None, "org": None})
    at = "2026-06-01T00:00:00+00:00"
    digest = chain_hash(prev, at, "内鬼", "configure", None, detail)
    db.execute("INSERT INTO audit (at, actor, action, record_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (at, "内鬼", "configure", None, detail, prev, digest))  # fmt: skip
    db.commit()
    db.close()
    assert report_of(signed).ok  # a checkpoint that lags is allowed (a crash between commit and checkpoint)
    report = report_of(signed, keys[0].public)
    assert not report.ok and any("最后 1 条在签过名的检查点" in m for m in messages(report))


def test_an_older_signed_checkpoint_put_back_is_caught_only_by_an_anchor(signed, keys, monkeypatch):
    """The limit of a signature: a rollback to a checkpoint the key did sign. The head written down
    outside (the dossier's 备考表) catches it."""
    older = checkpoint_of(signed)
    monkeypatch.setenv(ENV_KEY, str(keys[0].private))
    with Archive(signed) as archive:
        archive.configure(org="BGS")  # one more audited, signed step
    monkeypatch.delenv(ENV_KEY)
    newer = checkpoint_of(signed)
    db = sqlite3.connect(signed / "registry.sqlite3")
    for (name,) in list(db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")):
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    db.commit()
    db.close()
    (signed / "checkpoint.json").write_text(json.dumps(older), encoding="utf-8")
    assert report_of(signed, keys[0].public).ok  # the signature cannot tell
    anchor = (newer["audit_entries"], newer["audit_head"].removeprefix("sha256:")[:16])
    report = report_of(signed, keys[0].public, anchors=[anchor])
    assert not report.ok and any("有审计记录被删除" in m for m in messages(report))


def test_an_anchor_is_checked_from_the_command_line(signed, run):
    checkpoint = checkpoint_of(signed)
    head = checkpoint["audit_head"].removeprefix("sha256:")
    good = f"{checkpoint['audit_entries']}:{head[:16]} {head[16:20]}"  # spaces as copied from paper
    result = run("archive", "verify", "--archive", signed, "--anchor", good)
    assert result.exit_code == 0 and "一致" in result.stdout
    wrong = f"{checkpoint['audit_entries']}:{'0' * 16}"
    result = run("archive", "verify", "--archive", signed, "--anchor", wrong)
    assert result.exit_code == 1 and "[anchor]" in result.stdout
    assert run("archive", "verify", "--archive", signed, "--anchor", "3:abc").exit_code == 2


def test_a_signed_export_is_verified_with_the_key_given(signed, keys, tmp_path, run):
    backup = tmp_path / "备份.zip"
    assert run("archive", "export", backup, "--archive", signed).exit_code == 0
    assert "signature" in json.loads(zipfile.ZipFile(backup).read("checkpoint.json"))
    result = run("archive", "verify", "--export", backup, "--public-key", keys[0].public)
    assert result.exit_code == 0 and "检查点签名有效" in result.stdout
    result = run("archive", "verify", "--export", backup, "--public-key", keys[1].public)
    assert result.exit_code == 1 and "签名密钥不是给定的公钥" in result.stdout


# ---------------------------------------------------------------------- no key, bad keys


def test_without_a_key_configured_nothing_changes(tmp_path, run, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    root = tmp_path / "档案"
    file_two(root)
    assert set(checkpoint_of(root)) == {"audit_entries", "audit_head", "written_at"}
    report = report_of(root)
    assert report.ok and report.signature == "unsigned" and not report.signature_note
    result = run("archive", "verify", "--archive", root)
    assert result.exit_code == 0 and "签名" not in result.stdout


def test_an_unsigned_checkpoint_after_a_signed_one_is_warned_about(signed):
    with Archive(signed) as archive:
        archive.configure(org="BGS")
        assert any("新的检查点未签名" in w for w in archive.warnings)


def _rsa_key(path: Path) -> Path:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "文件不存在"),
        ("public", "这是公钥文件"),
        ("rsa", "不是 Ed25519 私钥（是 RSA 密钥）"),
        ("garbage", "不是可读的 PEM 私钥文件"),
        ("encrypted", f"私钥已加密，请在环境变量 {ENV_PASSWORD} 中给出口令"),
        ("wrong password", "口令不对"),
    ],
)
def test_a_bad_key_is_a_clear_error_and_nothing_is_filed(case, expected, tmp_path, keys, monkeypatch, run):
    root = tmp_path / "档案"
    file_two(root)  # no key yet: an archive with two records
    before = (checkpoint_of(root), sorted(p.name for p in (root / "files").rglob("*")))
    folder = tmp_path / "坏钥"
    folder.mkdir()
    if case in ("encrypted", "wrong password"):
        pair = generate_keys(folder / "k.pem", folder / "p.pem", passphrase="正确的口令")
        key = pair.private
        if case == "wrong password":
            monkeypatch.setenv(ENV_PASSWORD, "错误的口令")
    else:
        key = {"missing": folder / "没有.pem", "public": keys[0].public, "rsa": _rsa_key(folder / "rsa.pem"),
               "garbage": folder / "乱码.pem"}[case]  # fmt: skip
        if case == "garbage":
            key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    monkeypatch.setenv(ENV_KEY, str(key))
    template = Catalog.default().get("risk_notice")
    data = {k: v for k, v in template.example().items() if k != "doc_number"} | {"contact": "丙"}
    with Archive(root) as archive, pytest.raises(SigningKeyError) as caught:
        archive.file_rendered(template, data, allow_future_date=True)
    assert expected in caught.value.message and int(caught.value.exit_code) == 7
    data_file = tmp_path / "告知书.json"
    data_file.write_text(json.dumps(data | {"contact": "丁"}, ensure_ascii=False, default=str), encoding="utf-8")
    result = run("render", "risk_notice", "--data", data_file, "--archive", root, "--allow-future-date")
    assert result.exit_code == 7 and expected in result.stderr and "什么也没有写入" in result.stderr
    assert (checkpoint_of(root), sorted(p.name for p in (root / "files").rglob("*"))) == before
    monkeypatch.delenv(ENV_KEY)
    with Archive(root) as archive:
        assert len(archive.list()) == 2
        assert archive.verify().ok  # no number taken, no gap, no stray file
        assert not any((root / "tmp").iterdir())


def test_an_encrypted_key_signs_with_its_passphrase(tmp_path, monkeypatch):
    pair = generate_keys(tmp_path / "k.pem", tmp_path / "p.pem", passphrase="正确的口令")
    assert b"ENCRYPTED PRIVATE KEY" in pair.private.read_bytes()
    monkeypatch.setenv(ENV_KEY, str(pair.private))
    monkeypatch.setenv(ENV_PASSWORD, "正确的口令")
    root = tmp_path / "档案"
    file_two(root)
    assert report_of(root, pair.public).signature == "verified"


# ---------------------------------------------------------------------- keygen


def test_keygen_writes_a_private_key_only_its_owner_reads_and_refuses_to_overwrite(tmp_path, run):
    private, public = tmp_path / "钥" / "私钥.pem", tmp_path / "钥" / "公钥.pem"
    old = os.umask(0o022)
    try:
        result = run("archive", "keygen", "--private", private, "--public", public, "--json")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    fingerprint = json.loads(result.stdout)["fingerprint"]
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) & 0o044  # the public key is for others to read
    assert load_signer(private).fingerprint == fingerprint
    assert not list(private.parent.glob(".*.part"))
    contents = private.read_bytes(), public.read_bytes()
    refused = run("archive", "keygen", "--private", tmp_path / "另一个.pem", "--public", public)
    assert refused.exit_code == 6 and "已存在" in refused.stderr and not (tmp_path / "另一个.pem").exists()
    assert (private.read_bytes(), public.read_bytes()) == contents
    forced = run("archive", "keygen", "--private", private, "--public", public, "--force")
    assert forced.exit_code == 0 and private.read_bytes() != contents[0]
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    same = run("archive", "keygen", "--private", private, "--public", private, "--force")
    assert same.exit_code == 6


def test_keygen_reads_the_passphrase_like_pdf_protect(tmp_path, run):
    private, public = tmp_path / "私钥.pem", tmp_path / "公钥.pem"
    result = run("archive", "keygen", "--private", private, "--public", public, "--password", "-", input="长口令\n")
    assert result.exit_code == 0 and "已用口令加密" in result.stdout
    assert load_signer(private, "长口令").fingerprint in result.stdout
    refused = run("archive", "keygen", "--private", tmp_path / "a.pem", "--public", tmp_path / "b.pem",
                  "--password", "长口令")  # fmt: skip
    assert refused.exit_code == 2 and not (tmp_path / "a.pem").exists()


def test_a_private_key_given_as_the_public_key_is_refused(signed, keys, run):
    result = run("archive", "verify", "--archive", signed, "--public-key", keys[0].private)
    assert result.exit_code == 2 and "这是私钥文件" in result.stderr


# ---------------------------------------------------------------------- the dossier's 备考表


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_dossier_ends_with_a_note_page_that_prints_the_signed_checkpoint(soffice, signed, keys, tmp_path,
                                                                                monkeypatch):  # fmt: skip
    from pypdf import PdfReader

    from lianzheng_docs.pdf.dossier import build_dossier

    monkeypatch.setenv(ENV_KEY, str(keys[0].private))
    with Archive(signed) as archive:
        result = build_dossier(archive, archive.list(year=2026), tmp_path / "汇编.pdf", heading="2026年度汇编")
    checkpoint = checkpoint_of(signed)
    reader = PdfReader(str(result.path))
    last = "".join(reader.pages[-1].extract_text().split())
    head = checkpoint["audit_head"].removeprefix("sha256:")
    assert "备考表" in last and head in last and keys[0].fingerprint in last
    assert checkpoint["signature"] in last
    assert f"本汇编共2件、{len(reader.pages)}页" in last
    assert f"--anchor{checkpoint['audit_entries']}:{head[:16]}" in last
    assert [item.title for item in reader.outline if not isinstance(item, list)][-1] == "备考表"
    assert result.note_pages == 1 and result.pages == len(reader.pages)
    assert report_of(signed, keys[0].public, anchors=[(checkpoint["audit_entries"], head[:16])]).ok
    # the catalog's pages guessed wrong (5 instead of 1): the 备考表 is made again with the true total
    monkeypatch.setattr("lianzheng_docs.pdf.dossier.ROWS_PER_CATALOG_PAGE", 1)
    with Archive(signed) as archive:
        again = build_dossier(archive, archive.list(year=2026), tmp_path / "汇编2.pdf", heading="2026年度汇编")
    total = len(PdfReader(str(again.path)).pages)
    last = "".join(PdfReader(str(again.path)).pages[-1].extract_text().split())
    assert again.pages == total and f"本汇编共2件、{total}页" in last and f"归档文件目录{again.catalog_pages}页" in last
