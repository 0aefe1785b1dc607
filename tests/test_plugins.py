"""Plugins: discovery through entry points, isolation of every failure, ownership of templates."""

from __future__ import annotations

import json

import pytest
from fake_plugins import samples
from fake_plugins.dists import install, template_folder

from lianzheng_docs import Catalog, TemplateError, ValidationError
from lianzheng_docs.archive import Archive
from lianzheng_docs.hookspecs import hookimpl
from lianzheng_docs.layout.builder import GongwenDocument
from lianzheng_docs.plugins.manager import Plugins, reset_plugins

ENTRY_POINTS = {
    "good": "fake_plugins.samples:good",
    "misspelt": "fake_plugins.samples:misspelt",
    "raiser": "fake_plugins.samples:raiser",
    "missing": "fake_plugins.samples:missing",
    "claimer": "fake_plugins.samples:claimer",
    "thief": "fake_plugins.samples:thief",
    "broken": "fake_plugins.does_not_exist:plugin",
}


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A fake distribution whose entry points name the sample plugins, on sys.path."""
    install(tmp_path / "site", "lianzheng-fake-plugins", "1.2", ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    samples.TEMPLATES.update(
        good=template_folder(tmp_path / "good", "inspection", prefix="X财评"),
        raiser=template_folder(tmp_path / "raiser", "inspection"),
        missing=template_folder(tmp_path / "missing", "inspection", docx=False),
        claimer=template_folder(tmp_path / "claimer", "good:inspection"),
    )
    reset_plugins()
    yield
    reset_plugins()


def test_every_failure_is_isolated_and_explained(installed):
    plugins = Plugins()
    status = {name: (info.status, info.reason) for name, info in plugins.info.items()}
    assert status["builtin"][0] == "loaded" and status["good"][0] == "loaded"
    assert status["broken"][0] == "failed" and "导入失败" in status["broken"][1]
    assert status["misspelt"][0] == "failed" and "lianzheng_templat_sources" in status["misspelt"][1]
    assert "是不是 lianzheng_template_sources" in status["misspelt"][1]  # check_pending's finding, in Chinese
    catalog = Catalog.from_plugins(plugins)
    assert "good:inspection" in catalog and "raiser:inspection" in catalog and "dual_report" in catalog
    assert plugins.info["missing"].status == "failed" and "inspection.docx 不存在" in plugins.info["missing"].reason
    assert plugins.info["claimer"].status == "refused" and "属于插件 good" in plugins.info["claimer"].reason
    assert plugins.info["good"].templates == ["good:inspection"]
    assert plugins.info["good"].distribution == "lianzheng-fake-plugins" and plugins.info["good"].version == "1.2"
    assert plugins.info["good"].location == samples.__file__ and plugins.info["good"].prefixes == ["X财评"]


def test_the_allow_list_blocks_and_autoload_can_be_switched_off(installed, monkeypatch):
    monkeypatch.setenv("LIANZHENG_PLUGINS", "good")
    plugins = Plugins()
    assert plugins.info["good"].status == "loaded"
    assert plugins.info["thief"].status == "blocked" and "LIANZHENG_PLUGINS" in plugins.info["thief"].reason
    monkeypatch.setenv("LIANZHENG_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert list(Plugins().info) == ["builtin"]


def test_a_plugin_numbers_only_its_own_templates(installed, tmp_path):
    catalog = Catalog.default()
    template = catalog.get("good:inspection")
    assert template.number_prefix() == "X财评"  # the owner's answer; the thief is never asked
    assert catalog.get("dual_report").number_prefix() == "X财党"
    data = template.example()
    data.pop("doc_number")
    with Archive(tmp_path / "档案") as archive:
        record = archive.file_rendered(template, data)
        assert record.doc_number == "X财评〔2026〕1号" and record.template_id == "good:inspection"
        assert record.unit == "财政投资评审中心" or record.unit  # the plugin's default applied before validation
        assert archive.search("财政投资评审").total == 1
        assert samples.FILED[-1] == record.archival_code  # the owner was told
        assert any("插件 thief 的 lianzheng_record_filed 出错" in w for w in archive.warnings)
    assert Catalog.default().get("good:inspection").plugins.info["thief"].status == "degraded"


def test_plugin_data_rules_and_hook_errors(installed):
    catalog = Catalog.default()
    good = catalog.get("good:inspection")
    with pytest.raises(ValidationError, match="不得为“拒绝”"):
        good.render(good.example() | {"subject": "拒绝"})
    raiser = catalog.get("raiser:inspection")
    with pytest.raises(TemplateError, match="插件 raiser 的 lianzheng_prepare_data 出错：KeyError"):
        raiser.render(raiser.example())
    assert catalog.get("dual_report").render(catalog.get("dual_report").example()).content  # the rest still works


def test_plugin_templates_render_in_the_sandbox(installed, tmp_path):
    evil = template_folder(tmp_path / "evil", "inspection")
    doc = GongwenDocument(title="恶意")
    doc.paragraph("{{ subject.__class__.__mro__[1].__subclasses__() }}{{ doc_number }}{{ unit }}")
    doc.save(evil / "inspection.docx")
    samples.TEMPLATES["good"] = evil
    template = Catalog.default().get("good:inspection")
    with pytest.raises(TemplateError, match="模板 good:inspection 试图执行不安全的操作") as raised:
        template.render(template.example())
    assert "good:good:" not in raised.value.message  # the namespace once


def test_data_errors_name_the_template_with_its_namespace(installed):
    template = Catalog.default().get("good:inspection")
    with pytest.raises(ValidationError, match="模板 good:inspection 的数据有 1 处问题"):
        template.render({key: value for key, value in template.example().items() if key != "subject"})


def test_plugins_list_command(installed, run):
    result = run("plugins", "list", "--json")
    assert result.exit_code == 0
    listed = {item["name"]: item for item in json.loads(result.stdout)}
    assert listed["good"]["status"] == "loaded" and "lianzheng_number_prefix" in listed["good"]["hooks"]
    assert listed["broken"]["status"] == "failed" and listed["builtin"]["version"]
    good = listed["good"]
    assert (good["distribution"], good["version"]) == ("lianzheng-fake-plugins", "1.2")
    assert good["location"] == samples.__file__
    assert listed["builtin"]["prefixes"] and "X财党" in listed["builtin"]["prefixes"]
    table = run("plugins", "list")
    assert "good" in table.output and "失败" in table.output and "未知的钩子" in table.output
    hello = run("tzps-hello")
    assert hello.exit_code == 0 and "评审中心插件已加载" in hello.output
    assert "tzps-hello" in run("--help").output
    templates = run("templates", "list", "--json")
    assert "good:inspection" in {t["id"] for t in json.loads(templates.stdout)}


def test_a_new_plugin_scaffold_passes_its_check_and_a_broken_one_does_not(run, tmp_path):
    created = run("plugins", "new", "mycenter", "--dir", tmp_path)
    assert created.exit_code == 0, created.output
    root = tmp_path / "lianzheng-mycenter"
    assert (root / "lianzheng_mycenter" / "templates" / "notice.docx").exists()
    assert "-m pip install ./lianzheng-mycenter" in created.output or f"-m pip install {root}" in created.output
    checked = run("plugins", "check", root, "--json", "--no-build")
    assert checked.exit_code == 0 and json.loads(checked.stdout) == {
        "ok": True,
        "templates": ["mycenter:notice"],
        "problems": [],
        "warnings": ["mycenter:notice：机关代字还是骨架中的占位 X财某，请在 [numbering] prefix 中改为本单位的代字"],
        "wheel": None,
    }
    assert run("plugins", "new", "mycenter", "--dir", tmp_path).exit_code != 0
    assert run("plugins", "new", "My-Center", "--dir", tmp_path).exit_code != 0
    manifest = root / "lianzheng_mycenter" / "templates" / "notice.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n[[fields]]\nname = "extra"\nlabel = "多余"\ntype = "text"\nexample = "x"\n',
        encoding="utf-8",
    )
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('["*.toml", "*.docx"]', '["*.toml"]'))
    broken = run("plugins", "check", root, "--no-build")
    assert broken.exit_code == 1
    assert "extra" in broken.output and "从未使用" in broken.output and "*.docx" in broken.output


def test_every_hook_is_documented_and_exercised():
    """A new hook needs a line in docs/plugins.md and an implementation in the sample plugins."""
    import inspect

    from lianzheng_docs import hookspecs

    from conftest import ROOT

    hooks = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("lianzheng_")]
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    samples_source = inspect.getsource(samples)
    assert len(hooks) == 7
    for hook in hooks:
        signature = inspect.signature(getattr(hookspecs, hook))
        documented = f"`{hook}({', '.join(signature.parameters)})`"
        assert documented in docs, f"{documented} missing from docs/plugins.md"
        assert f"def {hook}(" in samples_source, f"{hook} has no sample implementation"


def test_plugin_rosters_and_obligations(installed, tmp_path):
    from datetime import date

    from lianzheng_docs.archive import Archive
    from lianzheng_docs.duties.obligations import load_obligations, status
    from lianzheng_docs.duties.roster import load_roster
    from lianzheng_docs.errors import DataFileError

    plugins = Plugins()
    roster = load_roster("plugin:good", plugins=plugins)
    assert [(u.name, u.head, u.post) for u in roster.units] == [("财政投资评审中心", "周红", "主任")]
    with pytest.raises(DataFileError, match=r"插件 'nobody' 没有登记名册.*good"):
        load_roster("plugin:nobody", plugins=plugins)
    extra = [(owner, item) for owner, item in plugins.obligations()]
    obligations = load_obligations(extra)
    mine = next(o for o in obligations if o.id == "good:inspection")
    assert mine.owner == "good" and mine.dates(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    with Archive(tmp_path / "档案") as archive:
        rows = status(archive, 2026, obligations=obligations, templates={"dual_report"}, today=date(2026, 5, 1))
    good = next(s for s in rows if s.obligation.id == "good:inspection")
    assert good.state == "no_template"  # its template is not among those given


# ---------------------------------------------------------------- the typed facade over pm.hook


class _Units:
    """A plugin answering ``lianzheng_units`` with one unit, registered under ``extra``."""

    def __init__(self, name: str, *, raises: bool = False) -> None:
        self.name, self.raises = name, raises

    @hookimpl
    def lianzheng_units(self) -> list[dict[str, str]]:
        if self.raises:
            raise RuntimeError("名册服务不可用")
        return [{"name": self.name, "head": "李华"}]


class _First:
    @hookimpl(tryfirst=True)
    def lianzheng_units(self) -> list[dict[str, str]]:
        return [{"name": "最先", "head": "王芳"}]


class _Last:
    @hookimpl(trylast=True)
    def lianzheng_units(self) -> list[dict[str, str]]:
        return [{"name": "最后", "head": "赵敏"}]


def test_hooks_are_called_in_pluggys_order_with_its_options():
    plugins = Plugins(autoload=False, extra={"a": _Units("甲"), "b": _Units("乙"), "first": _First(), "last": _Last()})
    names = [unit["name"] for _, unit in plugins.units()]
    # tryfirst before all, trylast after all, the rest last-registered first (extra registers in name order)
    assert names == ["最先", "乙", "甲", "最后"]


def test_hook_wrappers_run_and_one_failing_plugin_leaves_the_others_answering():
    class Wrapped:
        """Its own answer, wrapped by its own wrapper (pluggy's ``specname`` puts both on one object)."""

        @hookimpl(specname="lianzheng_units", wrapper=True)
        def wrap_units(self):  # type: ignore[no-untyped-def]
            answers = yield  # one list of units per implementation
            return [[{**unit, "post": "（经包装）"} for unit in units] for units in answers]

        @hookimpl
        def lianzheng_units(self) -> list[dict[str, str]]:
            return [{"name": "包装", "head": "孙丽"}]

    plugins = Plugins(autoload=False, extra={"bad": _Units("坏", raises=True), "ok": _Units("好")})
    assert [(owner, unit["name"]) for owner, unit in plugins.units()] == [("ok", "好")]
    assert plugins.info["bad"].status == "degraded"
    assert plugins.info["bad"].problems == ["lianzheng_units 出错：RuntimeError: 名册服务不可用"]
    assert plugins.units() == [("ok", {"name": "好", "head": "李华"})]  # asked again: the failed one stays out

    wrapped = Plugins(autoload=False, extra={"plain": _Units("科室"), "wrapped": Wrapped()})
    # the wrapper runs (pluggy's call path), and wraps only its own plugin's answer
    assert wrapped.units() == [
        ("wrapped", {"name": "包装", "head": "孙丽", "post": "（经包装）"}),
        ("plain", {"name": "科室", "head": "李华"}),
    ]


def test_owner_hooks_ask_only_the_owner_and_name_it_when_it_fails(tmp_path):
    from lianzheng_docs.hookspecs import TemplateSource

    folder = template_folder(tmp_path / "owner", "report", name="report", prefix="X财评")

    class Owner:
        @hookimpl
        def lianzheng_template_sources(self) -> list[TemplateSource]:
            return [TemplateSource.folder(folder, owner="owner")]

        @hookimpl
        def lianzheng_number_prefix(self, template_id: str) -> str | None:
            return {"owner:report": "X财评", "owner:grab": "X财党"}.get(template_id)

        @hookimpl
        def lianzheng_prepare_data(self, template_id: str, data: dict[str, object]) -> dict[str, object]:
            raise KeyError("unit")

    class Other:
        @hookimpl(tryfirst=True)
        def lianzheng_number_prefix(self, template_id: str) -> str | None:
            return "X财党"  # would win a first-result call over every plugin

    plugins = Plugins(autoload=False, extra={"owner": Owner(), "other": Other()})
    assert plugins.number_prefix("owner", "owner:report") == "X财评"
    assert plugins.number_prefix("owner", "owner:notice") is None
    assert plugins.number_prefix("nobody", "nobody:report") is None
    with pytest.raises(TemplateError, match="插件 owner 的 lianzheng_prepare_data 出错：KeyError"):
        plugins.prepare_data("owner", "owner:report", {})
    # its own 代字 only: the bureau's X财党 is refused, naming its owner
    with pytest.raises(TemplateError, match="X财党 属于内置模板"):
        plugins.number_prefix("owner", "owner:grab")
    assert plugins.info["owner"].status == "degraded" and plugins.prefixes["X财评"] == "owner"


def test_every_hook_has_one_typed_method_and_nothing_calls_a_hook_by_name_elsewhere():
    import inspect
    import re

    from lianzheng_docs.plugins import hookspecs, manager

    from conftest import ROOT

    hooks = {name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("lianzheng_")}
    source = inspect.getsource(manager.Plugins)
    called = set(re.findall(r'"(lianzheng_[a-z_]+)"', source))
    assert called == hooks
    library = ROOT / "lianzheng_docs"
    outside = [
        f"{path.relative_to(ROOT)}: {hook}"
        for path in library.rglob("*.py")
        if path.parent.name != "plugins" and path != library / "hookspecs.py"  # the authors' re-export
        for hook in re.findall(r'"(lianzheng_[a-z_]+)"', path.read_text(encoding="utf-8"))
        if hook in hooks
    ]
    assert outside == []
    with pytest.raises(AssertionError, match="lianzheng_unit"):
        Plugins(autoload=False)._caller("lianzheng_unit")


def test_a_broken_builtin_template_is_an_error_not_an_empty_catalog(tmp_path, monkeypatch):
    """One bad manifest among the built-in templates used to empty the whole catalog silently."""
    from lianzheng_docs.hookspecs import TemplateSource
    from lianzheng_docs.plugins import builtin

    folder = template_folder(tmp_path / "内置", "inspection")
    (folder / "inspection.toml").write_text('id = "inspection"\ndirection = "内部"\n', encoding="utf-8")
    @hookimpl
    def broken_sources() -> list[TemplateSource]:
        return [TemplateSource.folder(folder, owner="builtin")]

    monkeypatch.setattr(builtin, "lianzheng_template_sources", broken_sources)
    with pytest.raises(TemplateError, match="内置模板有误"):
        Catalog.from_plugins(Plugins(autoload=False))


def test_one_broken_template_leaves_out_that_template_not_the_plugin(installed, tmp_path):
    """A plugin with a good template and a broken one keeps serving the good one, degraded, naming the other."""
    folder = samples.TEMPLATES["raiser"]
    (folder / "notice.toml").write_text('id = "notice"\ntitle = ""\n', encoding="utf-8")  # broken manifest
    (folder / "letter.toml").write_text(
        (folder / "inspection.toml").read_text(encoding="utf-8").replace('id = "inspection"', 'id = "letter"'),
        encoding="utf-8",
    )  # its .docx is missing
    plugins = Plugins()
    catalog = Catalog.from_plugins(plugins)
    assert "raiser:inspection" in catalog and "raiser:notice" not in catalog and "raiser:letter" not in catalog
    info = plugins.info["raiser"]
    assert info.status == "degraded" and info.templates == ["raiser:inspection"]
    assert any("raiser:notice.toml" in problem and "title" in problem for problem in info.problems)
    assert any("letter.docx 不存在" in problem for problem in info.problems)
    assert catalog.get("raiser:inspection").docx_bytes().startswith(b"PK")  # the good one is whole


def test_the_archive_numbers_only_what_the_owner_may_number(installed, tmp_path, monkeypatch):
    """A reviewer's attacks: a plugin's prepare_data adding the bureau's 文号, or dropping the one given;
    a plugin template given a number of the bureau's 代字; a 待编号稿 filed as it is."""
    from lianzheng_docs.archive import Archive
    from lianzheng_docs.archive.errors import MetadataError

    catalog = Catalog.default()
    template = catalog.get("good:inspection")
    data = {k: v for k, v in template.example().items() if k != "doc_number"}
    with Archive(tmp_path / "档案") as archive:
        monkeypatch.setattr(type(template), "prepared", lambda self, d: {**d, "doc_number": "X财党〔2026〕1号"})
        with pytest.raises(TemplateError, match="改动了发文字号"):
            archive.file_rendered(template, data)
        dropped = lambda self, d: {k: v for k, v in d.items() if k != "doc_number"}  # noqa: E731
        monkeypatch.setattr(type(template), "prepared", dropped)
        with pytest.raises(TemplateError, match="改动了发文字号"):
            archive.file_rendered(template, {**data, "doc_number": "X财评〔2026〕7号"})
        monkeypatch.undo()
        with pytest.raises(TemplateError, match="机关代字 X财党 属于内置模板"):
            archive.file_rendered(template, {**data, "doc_number": "X财党〔2026〕3号"})
        assert archive.list() == [] and archive.verify().ok  # nothing filed, no number of X财党 taken
        record = archive.file_rendered(template, data)
        assert record.doc_number == "X财评〔2026〕1号"
        draft = catalog.get("dual_report")
        draft_data = {k: v for k, v in draft.example().items() if k != "doc_number"}
        path = draft.render(draft_data).save(tmp_path / "待编号稿.docx")
        with pytest.raises(MetadataError, match="是待编号稿"):
            archive.add(path)
        assert len(archive.list()) == 1
