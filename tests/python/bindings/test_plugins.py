"""The sites' WebAssembly plugins from Python: a manifest loaded and
checked, a report plugin run on a site of a network's activity report, a
rules plugin run on visits, and hostile plugins stopped with a
``PluginError`` naming the plugin and what happened while the host goes on.

The plugins are the example and hostile ones of ``plugins/examples``, built
for ``wasm32-wasip2`` into ``target/plugin-examples`` (as the plugin host's
own tests and ``scripts/test-all.sh`` do); they are built here when missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
from dataclasses import dataclass
from typing import Dict, Iterator, List, Sequence

import pytest

import espaces_metiers as em
from conftest import REPO_ROOT, make_visits

BUILT = REPO_ROOT / "target" / "plugin-examples" / "wasm32-wasip2" / "release"
CRATES = [
    "youth_report",
    "local_rule",
    "hostile_loop",
    "hostile_memory",
    "hostile_trap",
    "hostile_other_version",
]


@pytest.fixture(scope="session")
def built() -> pathlib.Path:
    """The folder of the built plugins, building them if one is missing."""
    if not all((BUILT / f"{c}.wasm").is_file() for c in CRATES):
        cargo = os.environ.get("CARGO", "cargo")
        if shutil.which(cargo) is None:
            pytest.fail("the example plugins are not built and cargo is not on PATH")
        subprocess.run(
            [
                cargo,
                "build",
                "--quiet",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--manifest-path",
                str(REPO_ROOT / "plugins" / "examples" / "Cargo.toml"),
                "--target-dir",
                str(REPO_ROOT / "target" / "plugin-examples"),
            ],
            check=True,
        )
    return BUILT


@dataclass
class Plugin:
    """One plugin to install: its manifest name, the built crate, its kind,
    sites and extra manifest lines (limits)."""

    name: str
    crate: str
    kind: str = "report"
    sites: Sequence[str] = ("troyes",)
    extra: str = ""
    sha256: str = ""


def install(built: pathlib.Path, folder: pathlib.Path, plugins: List[Plugin]) -> pathlib.Path:
    """Copies the plugins into ``folder`` with a manifest pinning each by its
    SHA-256 (or by ``sha256`` when given); returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for p in plugins:
        data = (built / f"{p.crate}.wasm").read_bytes()
        (folder / f"{p.crate}.wasm").write_bytes(data)
        sites = ", ".join(f'"{s}"' for s in p.sites)
        lines.append(
            f'[[plugin]]\nname = "{p.name}"\nkind = "{p.kind}"\nfile = "{p.crate}.wasm"\n'
            f'sha256 = "{p.sha256 or hashlib.sha256(data).hexdigest()}"\n'
            f"sites = [{sites}]\n{p.extra}\n"
        )
    manifest = folder / "plugins.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    return manifest


EXAMPLES = [
    Plugin("youth-report", "youth_report", sites=("troyes", "sedan")),
    Plugin("local-rule", "local_rule", kind="rules", sites=("epernay",)),
]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """One code cache for the suite, so each plugin is compiled once."""
    return tmp_path_factory.mktemp("plugin-cache")


@pytest.fixture
def host(built: pathlib.Path, tmp_path: pathlib.Path, cache_dir: pathlib.Path) -> em.PluginHost:
    """A host with the two example plugins loaded."""
    host = em.PluginHost(cache_dir)
    outcome = host.load_manifest(install(built, tmp_path / "plugins", EXAMPLES))
    assert outcome.failed == []
    assert sorted(outcome.loaded) == ["local-rule", "youth-report"]
    return host


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[em.ActivityReport]:
    """The activity report of 2009 of a network holding 2,200 visits."""
    net = em.Network.open(tmp_path_factory.mktemp("network") / "network.db", create=True)
    net.add_records(make_visits(2200, year=2009))
    yield net.activity_report(2009, compare=False)


def test_a_manifest_is_checked_and_each_plugin_describes_itself(
    built: pathlib.Path, tmp_path: pathlib.Path, cache_dir: pathlib.Path
) -> None:
    host = em.PluginHost(cache_dir)
    infos: Dict[str, em.PluginInfo] = {
        i.name: i for i in host.check(install(built, tmp_path, EXAMPLES))
    }
    assert sorted(infos) == ["local-rule", "youth-report"]
    youth = infos["youth-report"]
    assert youth.kind == "report"
    assert youth.version == "0.1.0"
    assert youth.interface_version == "0.1.0"
    assert "under 26" in youth.description
    assert youth.sites == ["troyes", "sedan"]
    assert youth.needs == ["visits_by_age_band", "visits_by_arrival_channel"]
    assert youth.deadline_ms == 1000 and youth.memory_bytes == 64 << 20
    assert youth.sha256 == hashlib.sha256((built / "youth_report.wasm").read_bytes()).hexdigest()
    rule = infos["local-rule"]
    assert (rule.kind, rule.serves) == ("rules", ["epernay"])
    assert host.plugins() == sorted(infos.values(), key=lambda i: i.name)
    assert host.enabled_for("troyes", "report") == ["youth-report"]
    assert host.enabled_for("troyes", "rules") == []
    assert host.enabled_for("epernay", "rules") == ["local-rule"]
    with pytest.raises(em.ArgumentError) as caught:
        host.enabled_for("troyes", "macro")
    assert caught.value.field == "kind"


def test_a_report_plugin_draws_a_site_of_the_network_s_activity_report(
    host: em.PluginHost, report: em.ActivityReport
) -> None:
    document = host.run_report("youth-report", report, "troyes")
    assert document["title"]
    assert document["sections"], document
    blocks = [b for s in document["sections"] for b in s["blocks"]]
    kinds = {b["type"] for b in blocks}
    assert {"text", "table", "chart"} <= kinds, blocks
    assert "youth_by_age_band" in [b["id"] for b in blocks if b["type"] == "table"], blocks
    # The JSON text is the same document.
    assert json.loads(host.run_report_json("youth-report", report, "troyes")) == document


def test_a_report_plugin_is_run_only_where_it_is_enabled_and_known(
    host: em.PluginHost, report: em.ActivityReport
) -> None:
    with pytest.raises(em.PluginError) as caught:
        host.run_report("youth-report", report, "reims")
    assert (caught.value.plugin, caught.value.failure) == ("youth-report", "not_enabled")
    assert "reims" in str(caught.value)
    with pytest.raises(em.PluginError) as caught:
        host.run_report("no-such-plugin", report, "troyes")
    assert (caught.value.plugin, caught.value.failure) == ("no-such-plugin", "unknown")
    with pytest.raises(em.PluginError) as caught:
        host.run_report("local-rule", report, "troyes")
    assert caught.value.failure == "wrong_kind"
    with pytest.raises(em.NotFoundError) as caught_site:
        host.run_report("youth-report", report, "atlantis")
    assert caught_site.value.field == "site"


def test_a_rules_plugin_finds_local_faults_in_the_visits_of_its_sites(host: em.PluginHost) -> None:
    visits = make_visits(3, year=2009)
    for v in visits:
        v["site"] = "epernay"
        v["education_level"] = "level_5"
    del visits[1]["education_level"]
    other = dict(make_visits(1, year=2009, seed=9)[0], site="reims")
    findings = host.run_rules("local-rule", visits + [other])
    errors = [f for f in findings if f.severity == "error"]
    assert [(f.index, f.field, f.plugin) for f in errors] == [
        (1, "education_level", "local-rule")
    ]
    assert "mandatory" in errors[0].reason
    # Reims's visit is not shown to Épernay's plugin.
    assert all(f.index != 3 for f in findings)


def test_invalid_visits_are_refused_before_any_plugin_sees_them(host: em.PluginHost) -> None:
    bad = dict(make_visits(1, year=2009)[0], site="epernay", contact_mode="pigeon")
    with pytest.raises(em.RecordError) as caught:
        host.run_rules("local-rule", [bad])
    assert caught.value.field == "contact_mode"


@pytest.mark.parametrize(
    "plugin, extra, failure, phase",
    [
        (Plugin("hostile-loop", "hostile_loop"), "deadline_ms = 200", "timeout", "render"),
        (Plugin("hostile-memory", "hostile_memory"), "memory_mib = 16", "memory_cap", "render"),
        (Plugin("hostile-trap", "hostile_trap"), "", "trap", "render"),
    ],
)
def test_a_hostile_report_plugin_is_stopped_and_the_others_carry_on(
    built: pathlib.Path,
    tmp_path: pathlib.Path,
    cache_dir: pathlib.Path,
    report: em.ActivityReport,
    plugin: Plugin,
    extra: str,
    failure: str,
    phase: str,
) -> None:
    plugin.extra = extra
    host = em.PluginHost(cache_dir)
    host.check(install(built, tmp_path, [plugin, *EXAMPLES]))
    with pytest.raises(em.PluginError) as caught:
        host.run_report(plugin.name, report, "troyes")
    error = caught.value
    assert (error.plugin, error.failure, error.phase) == (plugin.name, failure, phase)
    assert plugin.name in str(error) and error.reason
    # The host survives, and the well-behaved plugin still runs.
    assert host.run_report("youth-report", report, "troyes")["sections"]


def test_a_plugin_for_another_interface_version_is_refused_with_both_versions(
    built: pathlib.Path, tmp_path: pathlib.Path, cache_dir: pathlib.Path
) -> None:
    manifest = install(
        built, tmp_path, [Plugin("hostile-other-version", "hostile_other_version"), *EXAMPLES]
    )
    host = em.PluginHost(cache_dir)
    with pytest.raises(em.PluginLoadError) as caught_load:
        host.load_manifest(manifest)
    assert sorted(caught_load.value.loaded) == ["local-rule", "youth-report"]
    # The plugins that loaded stay loaded.
    assert host.enabled_for("epernay", "rules") == ["local-rule"]
    [error] = caught_load.value.failed
    assert "0.1.0" in str(error)
    with pytest.raises(em.PluginError) as caught:
        em.PluginHost(cache_dir).check(manifest)
    assert caught.value.failure == "interface_version"


def test_a_file_changed_after_install_is_refused_by_its_hash(
    built: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    manifest = install(built, tmp_path, [Plugin("youth-report", "youth_report", sha256="0" * 64)])
    with pytest.raises(em.PluginError) as caught:
        em.PluginHost().check(manifest)
    assert (caught.value.plugin, caught.value.failure) == ("youth-report", "hash_mismatch")
    # Placed at the plugin's entry in the manifest; the reason names the file.
    assert (caught.value.file, caught.value.line) == (str(manifest), 2)
    assert "youth_report.wasm" in caught.value.reason


def test_a_tampered_cached_artifact_is_not_loaded(
    built: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    cache = tmp_path / "cache"
    manifest = install(built, tmp_path / "plugins", [EXAMPLES[0]])
    assert em.PluginHost(cache).load_manifest(manifest).failed == []
    [artifact] = cache.glob("*.cwasm")
    data = bytearray(artifact.read_bytes())
    data[-1] ^= 1
    artifact.write_bytes(bytes(data))
    with pytest.raises(em.PluginLoadError) as caught:
        em.PluginHost(cache).load_manifest(manifest)
    [error] = caught.value.failed
    assert (error.plugin, error.failure) == ("youth-report", "tampered")
    # The artifact was set aside: the next host compiles the plugin again.
    assert em.PluginHost(cache).load_manifest(manifest).loaded == ["youth-report"]


def test_load_manifest_raises_naming_each_plugin_left_out_and_keeps_the_others(
    built: pathlib.Path, tmp_path: pathlib.Path, cache_dir: pathlib.Path, report: em.ActivityReport
) -> None:
    manifest = install(
        built,
        tmp_path,
        [
            # Built for another interface version: refused at load.
            Plugin("hostile-other-version", "hostile_other_version"),
            # Names a site the registry does not know.
            Plugin("local-rule", "local_rule", kind="rules", sites=("epernay", "atlantis")),
            EXAMPLES[0],
        ],
    )
    host = em.PluginHost(cache_dir)
    with pytest.raises(em.PluginLoadError) as caught:
        host.load_manifest(manifest)
    error = caught.value
    assert isinstance(error, em.PluginError)
    assert error.loaded == ["youth-report"]
    by_plugin = {f.plugin: f for f in error.failed}
    assert sorted(by_plugin) == ["hostile-other-version", "local-rule"]
    unknown = by_plugin["local-rule"]
    text = manifest.read_text("utf-8").splitlines()
    assert unknown.failure == "unknown_site"
    assert (unknown.file, unknown.field) == (str(manifest), "plugin[1].sites[1]")
    assert unknown.line is not None and "atlantis" in text[unknown.line - 1]
    assert "`atlantis` is not a site of the registry" in unknown.reason
    refused = by_plugin["hostile-other-version"]
    assert refused.failure == "interface_version"
    assert (refused.file, refused.line) == (str(manifest), 2) and refused.reason
    # Every failure is in the exception's problems, each with its place,
    # and the message names both plugins.
    assert {p.file for p in error.problems} == {str(manifest)}
    assert "hostile-other-version" in str(error) and "local-rule" in str(error)
    # The host goes on with the plugin that loaded.
    assert host.run_report("youth-report", report, "troyes")["sections"]
    assert host.enabled_for("epernay", "rules") == []
    # A file of Épernay is refused rather than stored without Épernay's
    # rules, as `em import` refuses it; nothing is stored.
    visits = [dict(v, site="epernay", kind="visit") for v in make_visits(2, year=2009, seed=13)]
    path = tmp_path / "epernay-2009.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in visits), "utf-8")
    net = em.Network.open(tmp_path / "network.db", create=True)
    with pytest.raises(em.ImportFileError) as refused_file:
        net.import_file(path, site="epernay", plugins=host)
    assert "local-rule" in str(refused_file.value), refused_file.value
    assert "could not be loaded" in str(refused_file.value), refused_file.value
    assert net.counts().visits == 0
    # Troyes has no rules plugin left out: its file is imported.
    troyes = tmp_path / "troyes-2009.jsonl"
    troyes.write_text(
        "".join(json.dumps(dict(v, site="troyes")) + "\n" for v in visits), "utf-8"
    )
    assert net.import_file(troyes, site="troyes", plugins=host).stored == 2


def test_a_bad_manifest_names_every_problem_with_its_place(tmp_path: pathlib.Path) -> None:
    manifest = tmp_path / "plugins.toml"
    manifest.write_text(
        '[[plugin]]\nname = "youth-report"\nkind = "macro"\nfile = "y.wasm"\n'
        'sha256 = "nothex"\nsites = ["troyes"]\n',
        encoding="utf-8",
    )
    with pytest.raises(em.PluginError) as caught:
        em.PluginHost().load_manifest(manifest)
    error = caught.value
    assert (error.plugin, error.failure) == (None, "manifest")
    assert error.file == str(manifest)
    assert error.line is not None and error.field is not None
    with pytest.raises(em.PluginError) as missing:
        em.PluginHost().load_manifest(tmp_path / "absent.toml")
    assert missing.value.failure == "manifest"


def test_import_file_runs_the_site_s_rules_plugins_like_em_import(
    host: em.PluginHost, tmp_path: pathlib.Path
) -> None:
    visits = make_visits(4, year=2009, seed=11)
    for v in visits:
        v["site"] = "epernay"
        v["education_level"] = "level_4"
    del visits[2]["education_level"]
    path = tmp_path / "epernay-2009.jsonl"
    path.write_text("".join(json.dumps(dict(v, kind="visit")) + "\n" for v in visits), "utf-8")
    net = em.Network.open(tmp_path / "network.db", create=True)

    # Épernay's rule makes the education level mandatory: the file is
    # refused as a whole, on the visit's line and field, and nothing is
    # stored.
    with pytest.raises(em.ImportFileError) as caught:
        net.import_file(path, site="epernay", plugins=host)
    problems = caught.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, "education_level")], problems
    assert "local-rule" in problems[0].reason and "mandatory" in problems[0].reason
    assert net.counts().visits == 0

    # Without the plugins the same file is imported, as `em import` does
    # without `--plugins`; a corrected file passes the plugin.
    visits[2]["education_level"] = "level_3"
    fixed = tmp_path / "epernay-2009-fixed.jsonl"
    fixed.write_text("".join(json.dumps(dict(v, kind="visit")) + "\n" for v in visits), "utf-8")
    assert net.import_file(fixed, site="epernay", plugins=host).stored == 4
    other = em.Network.open(tmp_path / "other.db", create=True)
    assert other.import_file(path, site="epernay").stored == 4


def test_import_file_goes_on_past_a_file_whose_site_has_no_rules_plugin(
    host: em.PluginHost, tmp_path: pathlib.Path
) -> None:
    visits = [dict(v, site="troyes", kind="visit") for v in make_visits(3, year=2009, seed=12)]
    del visits[0]["status"]
    path = tmp_path / "troyes-2009.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in visits), "utf-8")
    net = em.Network.open(tmp_path / "network.db", create=True)
    assert net.import_file(path, site="troyes", plugins=host).stored == 3
