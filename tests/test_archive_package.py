"""Transfer packages after DA/T 48-2009 (issue 18 item 2): ``archive package`` and ``archive unpackage``.

Every package validates against the schema shipped with the library (``eep.xsd``) and carries its
record whole: received into a fresh archive, the record keeps its 档号, 文号, metadata and files
byte for byte, and that archive verifies. Tampered packages are refused with the reason in
Chinese, naming the 档号, and nothing of the batch is filed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from lianzheng_docs import Catalog, ExitCode
from lianzheng_docs.archive import Archive, Record, RecordMeta
from lianzheng_docs.archive.package import NAMESPACE, build_package, package_name, schema, write_packages
from lianzheng_docs.archive.signing import generate_keys, load_public_key, load_signer
from lianzheng_docs.archive.unpackage import PackagesRefused, unpackage

NS = {"e": NAMESPACE}


def pdf(path: Path, text: str) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def comparable(record: Record) -> dict[str, object]:
    """A record's metadata and files as filed, without what only one archive knows (its row id)."""
    data = record.to_dict()
    data.pop("id")
    return data


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small archive: two generated documents (one with a PDF copy and a view logged), one received PDF."""
    catalog = Catalog.default()
    root = tmp_path / "移交档案"
    with Archive(root, actor="档案员甲") as archive:
        archive.configure(fonds="Z109")
        filed = []
        for template_id in ("risk_notice", "accountability_bulletin"):
            template = catalog.get(template_id)
            data = {key: value for key, value in template.example().items() if key != "doc_number"}
            filed.append(archive.file_rendered(template, data))
        meta = RecordMeta(kind="通知", unit="监察室", date=date(2025, 3, 5), recipients="局机关各科室", secrecy="内部",
                          author="中共××市纪委", doc_number="X纪〔2025〕1号", retention="Y")  # fmt: skip
        archive.add(pdf(tmp_path / "来文.pdf", "关于开展廉政谈话的通知"), meta)
        archive.attach(filed[0].id, pdf(tmp_path / "副本.pdf", "廉政风险告知书 PDF 副本"))
        archive.record_access(filed[0].id, "view", via="测试")
    return root


@pytest.fixture
def run(run, tmp_path, monkeypatch):
    """The command in the test's folder, with no signing key from the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("LIANZHENG_ARCHIVE", "LIANZHENG_CHECKPOINT_KEY", "LIANZHENG_CHECKPOINT_PUBKEY"):
        monkeypatch.delenv(name, raising=False)
    return run


def package_all(root: Path, folder: Path, **options: object) -> list[Path]:
    with Archive(root, create=False) as archive:
        return [w.path for w in write_packages(archive, archive.list(), folder, **options)]  # type: ignore[arg-type]


def assert_round_trip(source: Path, target: Path) -> None:
    """Same records (metadata, numbers, files byte for byte) in both archives, and the target verifies."""
    with Archive(source, create=False) as sent, Archive(target, create=False) as received:
        before = {r.archival_code: r for r in sent.list()}
        after = {r.archival_code: r for r in received.list()}
        assert before.keys() == after.keys()
        for code, record in before.items():
            assert comparable(after[code]) == comparable(record), code
            for mine, theirs in zip(record.files, after[code].files, strict=True):
                assert (received.root / theirs.path).read_bytes() == (sent.root / mine.path).read_bytes()
        report = received.verify()
        assert report.ok, report.to_dict()


# ---------------------------------------------------------------------- what a package is


def test_every_package_validates_and_round_trips(source, tmp_path):
    paths = package_all(source, tmp_path / "封装包")
    assert sorted(p.name for p in paths) == sorted(f"{code}.xml" for code in (
        "Z109-WS·2026-D30-BGS-0001", "Z109-WS·2026-Y-BGS-0001", "Z109-WS·2025-Y-BGS-0001"))  # fmt: skip
    for path in paths:
        assert schema().validate(etree.parse(str(path))), schema().error_log
    with Archive(tmp_path / "接收档案") as archive:
        outcomes = unpackage(archive, paths)
        assert [o.status for o in outcomes] == ["received"] * 3 and {o.signature for o in outcomes} == {"unsigned"}
        found = {hit.archival_code for hit in archive.search("专项资金").hits}
        entry = archive.history(record_id=archive.get("X纪〔2025〕1号").id)[-1]
        assert entry.action == "file" and entry.detail["received"]["package"] == "Z109-WS·2025-Y-BGS-0001.xml"
    with Archive(source, create=False) as sent:  # indexed: found by its text as in the archive it came from
        assert found == {hit.archival_code for hit in sent.search("专项资金").hits} and len(found) == 2
    assert_round_trip(source, tmp_path / "接收档案")


def test_received_numbers_are_never_taken_again(source, tmp_path):
    """The sequences continue after the numbers received: the next filing gets the next 件号 and 文号."""
    with Archive(tmp_path / "接收档案") as archive:
        archive.configure(fonds="Z109")  # the same fonds: its sequences are the ones received
        unpackage(archive, package_all(source, tmp_path / "封装包"))
        template = Catalog.default().get("risk_notice")
        data = {key: value for key, value in template.example().items() if key != "doc_number"}
        record = archive.file_rendered(template, data, allow_duplicate=True)
        assert record.archival_code == "Z109-WS·2026-D30-BGS-0002" and record.doc_number == "X财廉告〔2026〕2号"
        assert archive.verify().ok


def test_a_package_carries_files_history_agents_and_anchor(source, tmp_path):
    with Archive(source, create=False) as archive:
        record = archive.get("Z109-WS·2026-D30-BGS-0001")
        audit = archive.registry.audit_entries(record_id=record.id)
        head = archive.registry.audit_head()
        root = etree.fromstring(build_package(archive, record, fonds_name="××市财政局"))
        originals = [(archive.root / f.path).read_bytes() for f in record.files]
    entity = root.find("e:被签名对象/e:封装内容/e:文件实体块/e:文件实体", NS)
    assert entity.findtext("e:档号", namespaces=NS).strip() == record.archival_code
    assert entity.findtext("e:档号/e:保管期限", namespaces=NS) == "定期30年"
    assert entity.findtext("e:内容描述/e:文件编号", namespaces=NS) == record.doc_number
    assert entity.findtext("e:来源/e:立档单位名称", namespaces=NS) == "××市财政局"
    assert f"共 {head[0]} 条，链头 {head[1]}" in entity.findtext("e:信息系统描述", namespaces=NS)
    codings = entity.findall("e:文件数据/e:文档/e:文档数据/e:编码", NS)
    assert [c.findtext("e:电子属性/e:格式信息", namespaces=NS) for c in codings] == ["docx", "pdf"]
    for coding, original, stored in zip(codings, originals, record.files, strict=True):
        assert base64.b64decode("".join(coding.findtext("e:编码数据", namespaces=NS).split())) == original
        note = next(n.text for n in entity.findall("e:附注", NS) if n.text.startswith(coding.get("编码ID") + "："))
        assert f"角色 {stored.role}；SHA-256 {hashlib.sha256(original).hexdigest()}" in note
    events = root.findall(".//e:业务实体", NS)
    assert [e.findtext("e:业务标识符", namespaces=NS) for e in events] == [row["hash"] for row in audit]
    assert [e.findtext("e:业务行为", namespaces=NS) for e in events] == ["归档", "附加文件", "查看"]
    agents = {a.findtext("e:机构人员标识符", namespaces=NS): a.findtext("e:机构人员类型", namespaces=NS)
              for a in root.findall(".//e:机构人员实体", NS)}  # fmt: skip
    assert agents == {
        "全宗：Z109": "单位",
        "机构：BGS": "内设机构",
        "科室：××县财政局": "内设机构",
        "人员：档案员甲": "个人",
    }
    signature = root.find("e:电子签名块/e:电子签名", NS)
    assert signature.findtext("e:签名标识符", namespaces=NS) == "修改0-签名1"
    assert signature.findtext("e:签名算法标识", namespaces=NS) == "SHA-256" and "未签名" in signature.findtext(
        "e:签名规则", namespaces=NS
    )
    canonical = etree.tostring(root.find("e:被签名对象", NS), method="c14n")
    assert base64.b64decode(signature.findtext("e:签名结果", namespaces=NS)) == hashlib.sha256(canonical).digest()


def test_packaging_is_logged_and_never_passes_on_an_altered_file(source, tmp_path):
    from lianzheng_docs.archive.package import PackageError

    package_all(source, tmp_path / "封装包")
    with Archive(source, create=False) as archive:
        downloads = [e for e in archive.history() if e.action == "download"]
        assert len(downloads) == 3 and {e.detail["via"] for e in downloads} == {"移交封装包"}
        record = archive.get("X纪〔2025〕1号")
        (archive.root / record.files[0].path).write_bytes(b"%PDF-1.4 altered")
        with pytest.raises(PackageError, match=r"Z109-WS·2025-Y-BGS-0001 的文件 .* 与登记的哈希值不符"):
            build_package(archive, record)


# ---------------------------------------------------------------------- signatures


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(private, public) of the bureau, and another public key."""
    pair = generate_keys(tmp_path / "私钥.pem", tmp_path / "公钥.pem")
    other = generate_keys(tmp_path / "别的私钥.pem", tmp_path / "别的公钥.pem")
    return pair.private, pair.public, other.public


def test_signed_packages_verify_with_the_public_key_given(source, tmp_path, keys):
    private, public, other = keys
    paths = package_all(source, tmp_path / "封装包", signer=load_signer(private))
    root = etree.parse(str(paths[0])).getroot()
    assert root.findtext("e:电子签名块/e:电子签名/e:签名算法标识", namespaces=NS) == "Ed25519"
    with Archive(tmp_path / "他处") as archive, pytest.raises(PackagesRefused) as refused:
        unpackage(archive, paths, public_key=load_public_key(other))
    assert len(refused.value.refusals) == 3 and "签名密钥不是给定的公钥" in refused.value.message
    with Archive(tmp_path / "接收档案") as archive:
        outcomes = unpackage(archive, paths, public_key=load_public_key(public))
        assert {o.signature for o in outcomes} == {"verified"}
        assert archive.history()[-1].detail["received"]["signature"] == "verified"
    assert_round_trip(source, tmp_path / "接收档案")


def test_an_unsigned_package_is_refused_when_a_signature_is_required(source, tmp_path, keys):
    paths = package_all(source, tmp_path / "封装包")
    with Archive(tmp_path / "接收档案") as archive, pytest.raises(PackagesRefused, match="封装包没有签名"):
        unpackage(archive, paths[:1], public_key=load_public_key(keys[1]))


# ---------------------------------------------------------------------- tampered packages


def tampered(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    return path


def refusal(target: Path, paths: list[Path], **options: object) -> str:
    """Receiving ``paths`` is refused: the message; and nothing was filed."""
    with Archive(target) as archive:
        with pytest.raises(PackagesRefused) as refused:
            unpackage(archive, paths, **options)  # type: ignore[arg-type]
        staging = archive.root / "tmp"
        assert archive.list() == [] and not (staging.exists() and list(staging.iterdir()))
    return refused.value.message


@pytest.mark.fault
def test_a_changed_base64_byte_is_caught_by_the_file_digest(source, tmp_path):
    paths = package_all(source, tmp_path / "封装包")
    target = next(p for p in paths if p.name.startswith("Z109-WS·2025"))

    def flip(text: str) -> str:
        start = text.index("\n", text.index("<编码数据")) + 100
        return text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :]

    message = refusal(tmp_path / "接收档案", [*paths[:1], tampered(target, flip)])
    assert "Z109-WS·2025-Y-BGS-0001" in message and "与封装包记录的 SHA-256 不符" in message


@pytest.mark.fault
def test_a_broken_signature_is_caught_with_the_public_key(source, tmp_path, keys):
    paths = package_all(source, tmp_path / "封装包", signer=load_signer(keys[0]))
    target = next(p for p in paths if p.name.startswith("Z109-WS·2025"))
    tampered(target, lambda text: text.replace("<密级>内部</密级>", "<密级></密级>"))
    message = refusal(tmp_path / "接收档案", paths, public_key=load_public_key(keys[1]))
    assert "Z109-WS·2025-Y-BGS-0001" in message and "电子签名不符" in message
    assert message.count("\n  - ") == 1  # the two untouched packages are fine, and not filed either


@pytest.mark.fault
def test_a_removed_element_is_caught_by_the_schema(source, tmp_path):
    paths = package_all(source, tmp_path / "封装包")
    tampered(paths[0], lambda text: re.sub(r"\s*<责任者>[^<]*</责任者>", "", text, count=1))
    message = refusal(tmp_path / "接收档案", paths[:1])
    assert "不符合 DA/T 48 封装包的结构（eep.xsd）" in message and "应为 责任者" in message
    assert paths[0].stem in message


@pytest.mark.fault
def test_a_different_record_at_the_same_archival_code_is_refused_and_the_same_skipped(source, tmp_path):
    paths = package_all(source, tmp_path / "封装包")
    other = tmp_path / "另一档案"
    with Archive(other) as archive:  # its own first 2025 永久 record: the same 档号, another document
        archive.configure(fonds="Z109")
        archive.add(pdf(tmp_path / "别的.pdf", "另一份文件"), RecordMeta(date=date(2025, 4, 1), retention="Y"))
        with pytest.raises(PackagesRefused) as refused:
            unpackage(archive, paths)
        assert "档号 Z109-WS·2025-Y-BGS-0001 已在档案中，但与封装包中的不同" in refused.value.message
        assert len(archive.list()) == 1
    with Archive(tmp_path / "接收档案") as archive:
        unpackage(archive, paths)
        again = unpackage(archive, paths)
        assert {o.status for o in again} == {"skipped"} and "档案中已有这件" in again[0].reason


@pytest.mark.fault
def test_a_doctype_and_a_cut_package_are_refused(source, tmp_path):
    paths = package_all(source, tmp_path / "封装包")
    declaration = "<?xml version='1.0' encoding='UTF-8'?>"
    tampered(paths[0], lambda t: t.replace(declaration, declaration + '\n<!DOCTYPE x [<!ENTITY a "aaaa">]>'))
    paths[1].write_bytes(paths[1].read_bytes()[:3000])
    message = refusal(tmp_path / "接收档案", paths)
    assert "含有 DOCTYPE" in message and "不是格式正确的 XML" in message


# ---------------------------------------------------------------------- the commands


def test_package_and_unpackage_commands(run, source, tmp_path):
    made = run("archive", "package", "--year", "2026", "-o", "封装包", "--archive", source, "--json")
    data = json.loads(made.stdout)
    assert [Path(p["path"]).name for p in data["packages"]] == ["Z109-WS·2026-D30-BGS-0001.xml",
                                                                 "Z109-WS·2026-Y-BGS-0001.xml"]  # fmt: skip
    assert data["size"] > data["files_size"] > 0 and data["overhead"] > 1.3 and not data["signed"]
    again = run("archive", "package", "X纪〔2025〕1号", "Z109-WS·2026-Y-BGS-0001", "-o", "封装包", "--archive", source)
    assert again.exit_code == ExitCode.OUTPUT and "Z109-WS·2026-Y-BGS-0001.xml" in again.stderr
    assert not (tmp_path / "封装包" / "Z109-WS·2025-Y-BGS-0001.xml").exists()  # nothing written
    forced = run("archive", "package", "X纪〔2025〕1号", "Z109-WS·2026-Y-BGS-0001", "-o", "封装包", "--archive", source,
                 "--force")  # fmt: skip
    assert forced.exit_code == 0 and "共 2 件，未签名" in forced.stdout
    received = run("archive", "unpackage", "封装包", "--archive", "接收档案", "--json")
    result = json.loads(received.stdout)
    assert [p["status"] for p in result["packages"]] == ["received"] * 3 and result["verify"]["ok"]
    assert "已跳过" in run("archive", "unpackage", "封装包", "--archive", "接收档案").stdout
    neither = run("archive", "package", "-o", "x", "--archive", source)
    assert neither.exit_code == ExitCode.USAGE and "二者选一" in neither.output


def test_the_command_signs_with_the_configured_key_and_refuses_tampering_with_exit_3(
    run, source, tmp_path, keys, monkeypatch
):
    monkeypatch.setenv("LIANZHENG_CHECKPOINT_KEY", str(keys[0]))
    made = run("archive", "package", "X纪〔2025〕1号", "-o", "封装包", "--archive", source, "--json")
    assert json.loads(made.stdout)["signed"]
    monkeypatch.delenv("LIANZHENG_CHECKPOINT_KEY")
    path = tmp_path / "封装包" / "Z109-WS·2025-Y-BGS-0001.xml"
    tampered(path, lambda text: text.replace("<主送>局机关各科室</主送>", "<主送>局机关各科室、各二级机构</主送>"))
    refused = run("archive", "unpackage", path, "--archive", "接收档案", "--public-key", keys[1], "--json")
    assert refused.exit_code == ExitCode.INVALID_INPUT
    error = json.loads(refused.stdout)
    assert error["refusals"][0]["archival_code"] == "Z109-WS·2025-Y-BGS-0001"
    assert "电子签名不符" in error["refusals"][0]["message"]


# ---------------------------------------------------------------------- the sample archive


@pytest.mark.slow
@pytest.mark.libreoffice
def test_every_sample_record_packages_validates_and_round_trips(sample_archive_source, tmp_path):
    """``samples --archive`` (31 documents), some with their stamped PDF/A copy; all packaged, all received."""
    shutil.copytree(sample_archive_source, tmp_path / "样例档案")
    with Archive(tmp_path / "样例档案", create=False) as archive:
        records = archive.list()
        assert len(records) >= 31 and sum(len(r.files) == 2 for r in records) == 3
        written = write_packages(archive, records, tmp_path / "封装包")
    for item in written:
        assert schema().validate(etree.parse(str(item.path))), (item.path.name, schema().error_log)
    total, files = sum(w.size for w in written), sum(w.files_size for w in written)
    print(f"\n样例档案 {len(written)} 件：封装包 {total} 字节，文件 {files} 字节，{total / files:.3f} 倍")
    assert 1.3 < total / files < 1.7
    with Archive(tmp_path / "接收档案") as archive:
        assert {o.status for o in unpackage(archive, [w.path for w in written])} == {"received"}
    assert_round_trip(tmp_path / "样例档案", tmp_path / "接收档案")
    assert package_name(records[0]) == f"{records[0].archival_code}.xml"


def test_package_takes_several_years_each_with_its_own_option(tmp_path, run):
    """``--year 2025 --year 2026`` packages both years (a second --year once silently replaced the first)."""
    root = tmp_path / "档案"
    catalog = Catalog.default()
    with Archive(root) as archive:
        for year in (2025, 2026):
            template = catalog.get("risk_notice")
            data = {k: v for k, v in template.example().items() if k != "doc_number"} | {"date": f"{year}-03-02"}
            archive.file_rendered(template, data)
    answer = run("archive", "package", "--year", "2025", "--year", "2026", "-o", tmp_path / "移交", "--archive", root)
    assert answer.exit_code == 0, answer.output
    assert len(list((tmp_path / "移交").glob("*.xml"))) == 2
