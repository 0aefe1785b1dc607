"""Batch generation from a roster: one document per unit, bad units reported, re-runs make nothing twice."""

from __future__ import annotations

import json
import zipfile

import pytest

from lianzheng_docs import ExitCode
from lianzheng_docs.archive import Archive
from lianzheng_docs.duties.batch import run_batch, unit_data, unit_field
from lianzheng_docs.duties.roster import Roster, RosterUnit
from lianzheng_docs.errors import TemplateError
from lianzheng_docs.templating.catalog import Catalog

UNITS = (
    RosterUnit("预算科", "王晓东", "科长", "刘建华"),
    RosterUnit("国库科", "陈静", "国库科科长"),
    RosterUnit("财政投资评审中心", "周红", "主任", kind="二级机构"),
    RosterUnit("城关县财政局", "赵敏", kind="县区财政部门"),
)
ROSTER_YAML = """
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长}
"""


@pytest.fixture(scope="module")
def letter():
    return Catalog.default().get("responsibility_letter")


@pytest.fixture
def base(letter):
    return letter.example() | {"doc_number": "X财党〔2026〕9号"}


def text_of(path):
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def test_the_unit_field_comes_from_the_manifest_and_the_head_from_the_roster(letter, base):
    assert unit_field(letter) == "department"
    data = unit_data(letter, base, UNITS[0], 2027)
    assert data["department"] == "预算科" and data["year"] == 2027
    assert data["department_head"] == {"name": "王晓东", "post": "预算科科长"}
    assert "doc_number" not in data  # each document of a batch gets its own number
    assert unit_data(letter, base, UNITS[1], None)["department_head"]["post"] == "国库科科长"
    with pytest.raises(TemplateError, match="dual_report 不是按科室（单位）逐个生成的文书"):
        unit_field(Catalog.default().get("dual_report"))


def test_files_one_per_unit_skips_what_is_filed_and_reports_a_bad_unit(letter, base, tmp_path):
    bad = RosterUnit("办公室", "")  # a row with no head, e.g. a roster built by another system
    roster = Roster((*UNITS, bad))
    seen = []
    with Archive(tmp_path / "档案") as archive:
        result = run_batch(letter, roster, base, year=2027, archive=archive, on_item=seen.append)
        assert [(i.unit, i.state) for i in result.items] == [
            ("预算科", "made"),
            ("国库科", "made"),
            ("财政投资评审中心", "made"),
            ("办公室", "failed"),
        ]  # fmt: skip  (the county finance department signs no letter with the bureau)
        assert seen == result.items
        assert "department_head" in result.failed[0].message and result.failed[0].exit_code == ExitCode.INVALID_INPUT
        codes = {i.unit: i.record.archival_code for i in result.of("made")}
        assert len(set(codes.values())) == 3
        assert "陈静" in text_of(result.items[1].path) and "2027年度" in result.items[1].title
        # fix the row and run again: only the missing letter is made, nothing is filed twice
        fixed = Roster((*UNITS, RosterUnit("办公室", "孙丽", "主任")))
        again = run_batch(letter, fixed, base, year=2027, archive=archive)
        assert [(i.unit, i.state) for i in again.items] == [
            ("预算科", "skipped"), ("国库科", "skipped"), ("财政投资评审中心", "skipped"), ("办公室", "made"),
        ]  # fmt: skip
        assert again.items[0].record.archival_code == codes["预算科"]
        assert len(archive.list(template="responsibility_letter")) == 4
        forced = run_batch(letter, Roster(UNITS[:1]), base, year=2027, archive=archive, force=True)
        assert forced.items[0].state == "made" and len(archive.list(template="responsibility_letter")) == 5
        assert len(archive.list(template="responsibility_letter", unit="预算科")) == 2
        # another year is another letter
        assert run_batch(letter, Roster(UNITS[:1]), base, year=2028, archive=archive).items[0].state == "made"


def test_writes_files_without_an_archive_and_skips_existing_ones(letter, base, tmp_path):
    result = run_batch(letter, Roster(UNITS), base, year=2027, output_dir=tmp_path, kinds=["科室"])
    assert [(i.unit, i.state) for i in result.items] == [("预算科", "made"), ("国库科", "made")]
    assert "王晓东" in text_of(result.items[0].path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2027年度党风廉政建设责任书（国库科）.docx", "2027年度党风廉政建设责任书（预算科）.docx",
    ]  # fmt: skip
    again = run_batch(letter, Roster(UNITS), base, year=2027, output_dir=tmp_path, kinds=["科室"])
    assert [i.state for i in again.items] == ["skipped", "skipped"]


@pytest.fixture
def run(run, tmp_path, monkeypatch, letter):
    """The command (conftest's ``run``) in a fresh folder with an archive, a roster and the letter's data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIANZHENG_ARCHIVE", str(tmp_path / "档案"))
    (tmp_path / "名册.yaml").write_text(ROSTER_YAML, encoding="utf-8")
    (tmp_path / "责任书.yaml").write_text(run("example", letter.id).output, encoding="utf-8")
    return run


def test_cli_batch_into_the_archive_twice(run):
    args = ["batch", "responsibility_letter", "-d", "责任书.yaml", "--roster", "名册.yaml", "--year", 2027, "--archive"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "生成 2，跳过 0，出错 0" in result.output and "2027年度党风廉政建设责任书（国库科）" in result.output
    data = json.loads(run(*args, "--json").output)
    assert (data["made"], data["skipped"], data["failed"]) == (0, 2, 0)


def test_cli_batch_bad_input(run, tmp_path):
    result = run("batch", "responsibility_letter", "-d", "责任书.yaml")
    assert result.exit_code == ExitCode.USAGE and "--roster" in result.output
    result = run("batch", "dual_report", "-d", "责任书.yaml", "--roster", "名册.yaml")
    assert result.exit_code == ExitCode.TEMPLATE and "不是按科室（单位）逐个生成" in result.output
    result = run(
        "batch", "responsibility_letter", "-d", "责任书.yaml", "--roster", "名册.yaml", "--kind", "县区财政部门"
    )
    assert result.exit_code == ExitCode.INVALID_INPUT and "没有类别为 县区财政部门 的单位" in result.output
    (tmp_path / "坏.yaml").write_text("year: 二〇二七\n", encoding="utf-8")
    result = run("batch", "responsibility_letter", "-d", "坏.yaml", "--roster", "名册.yaml", "--json")
    data = json.loads(result.output)
    assert result.exit_code == ExitCode.INVALID_INPUT and data["failed"] == 2 and data["made"] == 0
    assert not (tmp_path / "档案").exists() or not Archive(tmp_path / "档案").list()


@pytest.mark.slow
@pytest.mark.libreoffice
def test_pdf_copies_in_one_run(letter, base, tmp_path, soffice):
    with Archive(tmp_path / "档案") as archive:
        result = run_batch(letter, Roster(UNITS[:2]), base, year=2027, archive=archive, pdf=True)
        assert [i.state for i in result.items] == ["made", "made"]
        for item in result.items:
            assert any(f.role == "pdf" for f in item.record.files)
            assert archive.path_of(item.record, "pdf").read_bytes().startswith(b"%PDF")


def test_cli_batch_goes_past_bad_roster_rows_and_names_them(run, tmp_path):
    (tmp_path / "名册.csv").write_text(
        "科室(单位),主要负责人,职务\n预算科,王晓东,科长\n国库科,,科长\n预算科,李四,科长\n办公室,孙丽,主任\n",
        encoding="utf-8",
    )
    result = run("batch", "responsibility_letter", "-d", "责任书.yaml", "--roster", "名册.csv", "--year", 2027,
                 "--archive", "--json")  # fmt: skip
    data = json.loads(result.output)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert [(i["unit"], i["state"]) for i in data["items"][:2]] == [("预算科", "made"), ("办公室", "made")]
    failed = [i for i in data["items"] if i["state"] == "failed"]
    assert [i["unit"] for i in failed] == ["第3行第2列", "第4行第1列"]
    assert "国库科 的主要负责人不能为空" in failed[0]["message"] and "预算科 重复" in failed[1]["message"]
    # the strict reading used by status and roster show still refuses the file
    assert run("roster", "show", "名册.csv").exit_code == ExitCode.INVALID_INPUT


def test_the_second_copy_of_a_separate_report_is_made_not_skipped(tmp_path):
    """七（三）分别报送: a department's report to 局党组 and the same to 纪检组 share a 题名; a batch for the
    second 主送 makes the second copy for each unit, and a re-run of either makes nothing twice."""
    report = Catalog.default().get("department_report")
    base = {k: v for k, v in report.example().items() if k != "doc_number"} | {"date": "2026-01-12"}
    roster = Roster(UNITS[:2])
    with Archive(tmp_path / "档案") as archive:
        first = run_batch(report, roster, base | {"recipient": "局党组"}, year=2025, archive=archive)
        second = run_batch(report, roster, base | {"recipient": "驻局纪检组"}, year=2025, archive=archive)
        assert [i.state for i in first.items] == [i.state for i in second.items] == ["made", "made"]
        again = run_batch(report, roster, base | {"recipient": "驻局纪检组"}, year=2025, archive=archive)
        assert [i.state for i in again.items] == ["skipped", "skipped"]
        filed = archive.list(template="department_report", unit="预算科")
        assert sorted(r.recipients for r in filed) == ["中共××市纪委驻市财政局纪检组", "中共××市财政局党组"]
