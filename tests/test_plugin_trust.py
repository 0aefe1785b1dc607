"""Plugins you can trust (issue 16): identity, owned numbering, isolation of every hook, messages.

Every careless or hostile plugin of the issue is installed here as a package is: the entry point of
a distribution of its own (``.dist-info`` on ``sys.path``, see ``fake_plugins/dists.py``), next to a
careful plugin (``fine``) that must keep working. The plugins are in ``fake_plugins/hostile.py``.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from fake_plugins import hostile
from fake_plugins.dists import install, template_folder

from lianzheng_docs import Catalog, TemplateError
from lianzheng_docs.archive import Archive
from lianzheng_docs.plugins.manager import Plugins, reset_plugins

pytestmark = pytest.mark.fault  # the fault-and-abuse suite: `pytest -m fault`

H = "fake_plugins.hostile"
#: distribution -> (version, {plugin name: entry point})
DISTRIBUTIONS = {
    "lianzheng-fine": ("1.0", {"fine": f"{H}:fine"}),
    "lianzheng-genuine": ("1.0", {"genuine": f"{H}:genuine"}),
    "lianzheng-evil": ("6.6.6", {"genuine": f"{H}:impostor"}),
    "lianzheng-bureau-prefix": ("1.0", {"bureau_prefix": f"{H}:bureau_prefix"}),
    "lianzheng-twins": ("1.0", {"twin_a": f"{H}:twin_a", "twin_b": f"{H}:twin_b"}),
    "lianzheng-claims-builtin": ("1.0", {"claims_builtin": f"{H}:claims_builtin"}),
    "lianzheng-poacher": ("1.0", {"poacher": f"{H}:poacher"}),
    "lianzheng-strsrc": ("1.0", {"strsrc": f"{H}:string_sources"}),
    "lianzheng-units": ("1.0", {"units_raise": f"{H}:units_raise", "units_wrong": f"{H}:units_wrong"}),
    "lianzheng-obligations": ("1.0", {"oblraise": f"{H}:obligations_raise", "oblbad": f"{H}:obligation_unusable",
                                      "oblt": f"{H}:obligation_wrong_type"}),
    "lianzheng-shadow": ("1.0", {"shadow": f"{H}:shadow"}),
    "lianzheng-exits": ("1.0", {"exits": f"{H}:obligations_exit"}),
    "lianzheng-pluggy": ("1.0", {"extra_arg": f"{H}:extra_argument", "no_yield": f"{H}:wrapper_without_yield"}),
    "lianzheng-unmarked": ("1.0", {"unmarked": "fake_plugins.unmarked"}),
}  # fmt: skip


@pytest.fixture
def hostile_site(tmp_path, monkeypatch):
    """The hostile plugins and ``fine`` installed, each from its own distribution."""
    site = tmp_path / "site"
    for dist, (version, entry_points) in DISTRIBUTIONS.items():
        install(site, dist, version, entry_points)
    monkeypatch.syspath_prepend(str(site))
    for name in ("LIANZHENG_PLUGINS", "LIANZHENG_DISABLE_PLUGIN_AUTOLOAD", "LIANZHENG_STRICT_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    hostile.FOLDERS.update(
        fine=template_folder(tmp_path / "fine", "report", name="report", prefix="X财优"),
        genuine=template_folder(tmp_path / "genuine", "report", name="report", prefix="X财真"),
        impostor=template_folder(tmp_path / "impostor", "report", name="report", prefix="X财冒"),
        bureau_prefix=template_folder(tmp_path / "bp", "report", name="report", prefix="X财党"),
        twin_a=template_folder(tmp_path / "ta", "report", name="report", prefix="X财双"),
        twin_b=template_folder(tmp_path / "tb", "report", name="report", prefix="Ｘ财双"),  # full-width Ｘ: the same
        claims_builtin=template_folder(tmp_path / "cb", "dual_report", name="dual_report", prefix="X财冒"),
        poacher=template_folder(tmp_path / "poacher", "report", name="report", prefix="X财猎"),
    )
    reset_plugins()
    yield site
    reset_plugins()


@pytest.fixture
def run(run):
    """``lianzheng`` as a process of its own each time: plugins load afresh (and the environment is read again)."""

    def invoke(*args, **kwargs):
        reset_plugins()
        return run(*args, **kwargs)

    return invoke


def infos(plugins, name):
    return [info for info in plugins.info.values() if info.name == name]


# ---------------------------------------------------------------- 1. identity


def test_two_distributions_claiming_one_name_are_both_refused_and_named(hostile_site):
    plugins = Plugins()
    claimants = infos(plugins, "genuine")
    assert sorted(i.distribution for i in claimants) == ["lianzheng-evil", "lianzheng-genuine"]
    assert {i.status for i in claimants} == {"refused"}
    for info in claimants:
        assert "lianzheng-evil 6.6.6" in info.reason and "lianzheng-genuine 1.0" in info.reason
        assert info.location  # where each is installed, to find and remove the wrong one
    catalog = Catalog.from_plugins(plugins)
    assert "genuine:report" not in catalog and "fine:report" in catalog
    assert "X财冒" not in plugins.prefixes and "X财真" not in plugins.prefixes


def test_plugins_list_json_shows_distribution_version_and_location(hostile_site, run):
    listed = run("plugins", "list", "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    fine = next(r for r in rows if r["name"] == "fine")
    assert (fine["distribution"], fine["version"], fine["location"]) == ("lianzheng-fine", "1.0", hostile.__file__)
    assert fine["status"] == "loaded" and fine["templates"] == ["fine:report"] and fine["prefixes"] == ["X财优"]
    assert {(r["distribution"], r["status"]) for r in rows if r["name"] == "genuine"} == {
        ("lianzheng-genuine", "refused"), ("lianzheng-evil", "refused")}  # fmt: skip
    table = run("plugins", "list")
    assert "已拒绝" in table.stdout and "已降级" in table.stdout and "lianzheng-evil" in table.stdout


def test_the_allow_list_names_distributions_and_pins_versions(hostile_site, monkeypatch):
    monkeypatch.setenv("LIANZHENG_PLUGINS", "lianzheng-genuine==1.0, fine, nosuch, shadow>=1")
    plugins = Plugins()
    (genuine,) = [i for i in infos(plugins, "genuine") if i.status != "blocked"]
    assert genuine.distribution == "lianzheng-genuine" and genuine.status == "loaded"
    (evil,) = [i for i in infos(plugins, "genuine") if i.status == "blocked"]
    assert evil.distribution == "lianzheng-evil" and "LIANZHENG_PLUGINS" in evil.reason
    assert plugins.info["fine"].status == "loaded" and plugins.info["poacher"].status == "blocked"
    assert "genuine:report" in Catalog.from_plugins(plugins) and plugins.prefixes["X财真"] == "genuine"
    warnings = "\n".join(plugins.warnings)
    assert "nosuch 不是已安装的插件名或插件包名" in warnings and "'shadow>=1' 写法无法识别" in warnings

    monkeypatch.setenv("LIANZHENG_PLUGINS", "lianzheng-genuine==2.0")
    (pinned,) = [i for i in infos(Plugins(), "genuine") if i.distribution == "lianzheng-genuine"]
    assert pinned.status == "blocked" and "要求 lianzheng-genuine==2.0" in pinned.reason and "1.0" in pinned.reason

    monkeypatch.setenv("LIANZHENG_PLUGINS", "genuine")  # the plugin name: both claimants pass, both refused
    assert {i.status for i in infos(Plugins(), "genuine")} == {"refused"}

    monkeypatch.setenv("LIANZHENG_PLUGINS", "")  # empty: no installed plugin at all
    empty = Plugins()
    assert {i.status for i in empty.info.values() if i.name != "builtin"} == {"blocked"}
    assert "为空" in empty.info["fine"].reason and empty.info["builtin"].status == "loaded"


# ---------------------------------------------------------------- 2. owned numbering


def test_a_plugin_declaring_a_bureau_or_shared_prefix_is_refused_with_both_owners_named(hostile_site):
    plugins = Plugins()
    bureau = plugins.info["bureau_prefix"]
    assert bureau.status == "refused" and "X财党 属于内置模板" in bureau.reason
    for twin, other in (("twin_a", "twin_b"), ("twin_b", "twin_a")):
        info = plugins.info[twin]
        assert info.status == "refused" and "X财双" in info.reason and f"插件 {other}" in info.reason
    assert plugins.prefixes["X财党"] == "builtin" and plugins.prefixes["X财优"] == "fine"
    assert "X财双" not in plugins.prefixes


def test_a_plugin_numbers_only_with_its_own_prefix(hostile_site, tmp_path):
    catalog = Catalog.default()
    poached = catalog.get("poacher:report")
    data = {key: value for key, value in poached.example().items() if key != "doc_number"}
    with Archive(tmp_path / "档案") as archive:
        with pytest.raises(TemplateError, match="X财党 属于内置模板"):
            archive.file_rendered(poached, data | {"date": "2026-03-01"})
        fine = catalog.get("fine:report")
        assert archive.file_rendered(fine, data).doc_number == "X财优〔2026〕1号"
        dual = catalog.get("dual_report")
        record = archive.file_rendered(dual, {k: v for k, v in dual.example().items() if k != "doc_number"})
        assert record.doc_number.startswith("X财党〔") and record.doc_number.endswith("〕1号")  # no number taken
    assert poached.plugins.info["poacher"].status == "degraded"


# ---------------------------------------------------------------- 3. every hook isolated


def test_a_wrong_return_type_degrades_only_its_plugin(hostile_site, run):
    for command in (["plugins", "list"], ["templates", "list"]):
        result = run(*command)
        assert result.exit_code == 0, result.output
    listed = {r["name"]: r for r in json.loads(run("plugins", "list", "--json").stdout) if r["name"] != "genuine"}
    strsrc = listed["strsrc"]
    assert strsrc["status"] == "degraded"
    assert "lianzheng_template_sources 的返回值应为 TemplateSource 的列表，实际是 str" in strsrc["problems"][0]
    assert "不认识的键 nam" in listed["units_wrong"]["problems"][0]
    assert "min_count 应为 整数（int），实际是 str '2'" in listed["oblt"]["problems"][0]
    roster = run("roster", "show", "plugin:strsrc", "--json")  # its other hooks still answer
    assert roster.exit_code == 0 and json.loads(roster.stdout)["units"][0]["name"] == "字符串科"


def test_an_exception_in_the_units_hook_is_reported_as_such(hostile_site, run):
    shown = run("roster", "show", "plugin:units_raise")
    assert shown.exit_code != 0
    told = "插件 units_raise（lianzheng-units）已降级：lianzheng_units 出错：ConnectionError: 名册服务不可用"
    assert told in shown.stderr
    assert "插件 units_raise 的名册无法使用：lianzheng_units 出错：ConnectionError" in shown.output
    assert "没有登记名册" not in shown.output  # the cause, not a misleading 'not registered'
    assert run("roster", "show", "plugin:fine").exit_code == 0


def test_obligation_failures_show_in_status_and_the_others_go_on(hostile_site, run, tmp_path):
    archive = tmp_path / "档案"
    assert run("archive", "init", "--archive", archive).exit_code == 0  # status only reads an archive
    for command in ("status", "due"):
        result = run(command, "--archive", archive, "--json", "--today", "2026-05-01")
        assert result.exit_code == 0, result.output
        problems = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
        assert problems["oblraise"]["status"] == "degraded"
        assert "lianzheng_obligations 出错：RuntimeError: 义务表读取失败" in problems["oblraise"]["reason"]
        assert "oblbad:broken" in problems["oblbad"]["reason"] and "oblbad:fine" not in problems["oblbad"]["reason"]
    statuses = json.loads(run("status", "--archive", archive, "--json", "--year", "2026").stdout)["statuses"]
    ids = {s["obligation"] for s in statuses}
    assert {"fine:report", "oblbad:fine"} <= ids and "oblbad:broken" not in ids and "dual_report_h1" in ids
    text = run("status", "--archive", archive, "--year", "2026")
    assert "注意：以下插件有问题" in text.stdout and "义务表读取失败" in text.stdout
    assert "义务表读取失败" not in text.stderr  # told once


def test_strict_plugins_turns_degradation_into_a_non_zero_exit(hostile_site, run, monkeypatch, tmp_path):
    assert run("templates", "list").exit_code == 0
    strict = run("--strict-plugins", "templates", "list")
    assert strict.exit_code == 5 and "--strict-plugins" in strict.stderr and "命令未执行" in strict.stderr
    monkeypatch.setenv("LIANZHENG_STRICT_PLUGINS", "1")
    assert run("templates", "list").exit_code == 5
    monkeypatch.setenv("LIANZHENG_PLUGINS", "fine")  # only careful plugins: strict mode passes
    assert run("templates", "list").exit_code == 0
    monkeypatch.setenv("LIANZHENG_PLUGINS", "fine,oblraise")  # a hook that fails while the command runs
    assert run("archive", "init", "--archive", tmp_path / "档案").exit_code == 0
    late = run("status", "--archive", tmp_path / "档案", "--year", "2026")
    assert late.exit_code == 5 and "义务表读取失败" in late.output and "年度落实情况" in late.stdout


# ---------------------------------------------------------------- 4. messages


def test_pluggy_and_loading_messages_are_in_chinese(hostile_site):
    plugins = Plugins()
    extra = plugins.info["extra_arg"]
    assert extra.status == "failed" and "多了规格中没有的参数 year" in extra.reason
    assert "lianzheng_number_prefix(template_id)" in extra.reason and "Argument" not in extra.reason
    assert plugins.info["no_yield"].status == "failed" and "没有 yield" in plugins.info["no_yield"].reason
    unmarked = plugins.info["unmarked"]
    assert unmarked.status == "failed" and "没有用 @hookimpl 标记" in unmarked.reason
    assert "lianzheng_template_sources" in unmarked.reason and "lianzheng_units" in unmarked.reason
    claims = plugins.info["claims_builtin"]
    assert claims.status == "refused" and "内置模板" in claims.reason and "None" not in claims.reason


def test_a_plugin_command_shadowing_a_built_in_one_is_refused_aloud(hostile_site, run):
    assert "shadow-hello" in run("--help").stdout
    hello = run("shadow-hello")
    assert hello.exit_code == 0 and "shadow 插件的命令" in hello.stdout
    assert "命令 render 与内置命令同名" in hello.stderr
    assert "冒名" not in run("render", "--help").stdout


def test_every_hook_answer_is_checked_against_its_declared_type():
    from lianzheng_docs.hookspecs import hookimpl
    from lianzheng_docs.plugins.contracts import answer_type, describe
    from lianzheng_docs.plugins.registration import hook_names

    assert all(describe(answer_type(hook)) for hook in hook_names())  # every annotation resolves

    class Wrong:
        @hookimpl
        def lianzheng_prepare_data(self, template_id: str, data: dict[str, object]) -> object:
            return ["不是", "映射"]

        @hookimpl
        def lianzheng_record_filed(self, record: object) -> object:
            return "done"

        @hookimpl
        def lianzheng_commands(self) -> object:
            return ["render"]

    plugins = Plugins(autoload=False, extra={"wrong": Wrong()})
    with pytest.raises(TemplateError, match=r"插件 wrong 的 lianzheng_prepare_data 的返回值应为 映射（dict） 或 None"):
        plugins.prepare_data("wrong", "wrong:x", {})
    assert plugins.commands() == []
    assert "lianzheng_record_filed 的返回值应为 None" in plugins.record_filed(None)[0]  # type: ignore[arg-type]
    assert plugins.info["wrong"].status == "degraded" and len(plugins.info["wrong"].problems) == 3


def test_dates_in_plugin_obligations_still_fail_alone(hostile_site):
    from lianzheng_docs.duties.obligations import load_obligations, plugin_obligations

    obligations = load_obligations(plugin_obligations())
    mine = next(o for o in obligations if o.id == "oblbad:fine")
    assert mine.dates(2026) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_plugin_calling_sys_exit_takes_only_itself_down(hostile_site, run, tmp_path):
    """A reviewer's plugin called sys.exit(3) in a hook: the command ended with the plugin's exit code."""
    archive = tmp_path / "档案"
    assert run("archive", "init", "--archive", archive).exit_code == 0
    result = run("status", "--archive", archive, "--json", "--today", "2026-05-01")
    assert result.exit_code == 0, result.output
    problems = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    assert problems["exits"]["status"] == "degraded" and "SystemExit" in problems["exits"]["reason"]
