"""The sites' WebAssembly plugins: load a manifest, list and check the
plugins, run a report plugin on a site of an activity report, run a rules
plugin on visits.

Plugins run in the library's sandbox (no file, network or clock, a memory
cap, a deadline per call). A plugin that fails raises :class:`PluginError`
with the plugin's name (``plugin``) and what happened (``failure``:
``timeout``, ``memory_cap``, ``trap``, ``interface_version``,
``hash_mismatch``, ``tampered``...); the host goes on working.

Loading a manifest whose plugins partly load raises :class:`PluginLoadError`
naming each plugin left out with its place in the manifest; the plugins
that loaded stay loaded, so a caller that accepts a partial load catches it
and goes on. (The Rust API returns the same outcome as a value it will not
let a caller drop unread; in Python only an exception cannot go unseen.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, Union

from . import _native as _n
from ._convert import RecordsLike, records_json
from ._errors import PluginError, problem_from_native, raise_from_native, native_errors
from ._network import ActivityReport
from ._rules import Registry, Ruleset

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

PathLike = Union[str, "os.PathLike[str]"]
PluginKind = Literal["report", "rules"]


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin: its manifest entry and what it says about itself."""

    name: str
    kind: str
    version: str
    interface_version: str
    description: str
    sites: List[str]
    """The sites the manifest enables it for."""
    serves: List[str]
    """The sites the plugin says it serves; empty means any."""
    needs: List[str]
    """The tables (report) or fields (rules) it reads."""
    file: str
    sha256: str
    memory_bytes: int
    deadline_ms: int
    output_bytes: int


@dataclass(frozen=True)
class LoadOutcome:
    """What loading a manifest gave: the plugins that loaded, and one
    :class:`PluginError` per plugin that did not (then raised inside a
    :class:`PluginLoadError`)."""

    loaded: List[str]
    failed: List[PluginError]


class PluginLoadError(PluginError):
    """Plugins of a manifest were left out; the others loaded and stay
    loaded in the host.

    ``failed`` holds one :class:`PluginError` per plugin left out, each
    placed in the manifest (``file``, ``line``, and for a site the registry
    does not know ``column`` and ``field``) with its ``reason``; ``loaded``
    names the plugins that loaded. ``problems`` lists every failure's
    problems, so ``file``, ``line`` and ``reason`` give the first one's.
    """

    def __init__(self, manifest: str, outcome: LoadOutcome) -> None:
        first = outcome.failed[0]
        names = ", ".join(f"`{f.plugin}`" for f in outcome.failed)
        super().__init__(
            f"{manifest}: {len(outcome.failed)} plugin(s) left out ({names}); "
            f"first: {first.message}",
            [p for f in outcome.failed for p in f.problems],
            plugin=first.plugin,
            failure=first.failure,
            phase=first.phase,
        )
        self.loaded: List[str] = outcome.loaded
        self.failed: List[PluginError] = outcome.failed
        self.outcome: LoadOutcome = outcome


@dataclass(frozen=True)
class Finding:
    """What a rules plugin says about one visit of a batch."""

    plugin: str
    index: int
    """The visit's position in the batch (0-based)."""
    field: str
    severity: str
    """``error`` (the visit would be refused at import) or ``warning``."""
    reason: str


def _info(native: Any) -> PluginInfo:
    return PluginInfo(
        name=native.name,
        kind=native.kind,
        version=native.version,
        interface_version=native.interface_version,
        description=native.description,
        sites=list(native.sites),
        serves=list(native.serves),
        needs=list(native.needs),
        file=native.file,
        sha256=native.sha256,
        memory_bytes=native.memory_bytes,
        deadline_ms=native.deadline_ms,
        output_bytes=native.output_bytes,
    )


def _failure(native: Any) -> PluginError:
    return PluginError(
        native.message,
        [problem_from_native(p) for p in native.problems],
        plugin=native.plugin,
        failure=native.failure,
        phase=native.phase,
    )


class PluginHost:
    """Runs the sites' plugins, loaded from manifests (TOML files listing
    each plugin's file, SHA-256, kind, sites and limits).

    >>> host = PluginHost(cache_dir="plugin-cache")     # doctest: +SKIP
    >>> host.check("plugins/plugins.toml")              # doctest: +SKIP
    """

    __slots__ = ("_native",)

    def __init__(self, cache_dir: Optional[PathLike] = None) -> None:
        """``cache_dir`` keeps compiled plugins between runs; without it,
        every plugin is compiled at each load."""
        try:
            self._native = _n.PluginHost(None if cache_dir is None else os.fspath(cache_dir))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def load_manifest(self, path: PathLike, registry: Optional[Registry] = None) -> LoadOutcome:
        """Loads every plugin of the manifest at ``path``, their sites
        checked against ``registry`` (the shipped one by default), and
        returns the plugins loaded.

        A bad manifest raises :class:`PluginError` (``failure`` is
        ``manifest``). A plugin that does not load (a changed file, a crash
        at start-up, another interface version, a site the registry does
        not know...) is left out and the others load; then
        :class:`PluginLoadError` is raised, naming each one left out with
        its manifest file, line and reason. Catch it to go on with the
        plugins that loaded."""
        manifest = os.fspath(path)
        try:
            native = self._native.load_manifest(
                manifest, registry._native if registry else None
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        outcome = LoadOutcome(
            loaded=list(native.loaded), failed=[_failure(f) for f in native.failed]
        )
        if outcome.failed:
            raise PluginLoadError(manifest, outcome)
        return outcome

    def check(self, path: PathLike, registry: Optional[Registry] = None) -> List[PluginInfo]:
        """Loads the manifest at ``path`` and returns its plugins; raises
        :class:`PluginError` listing every plugin that did not load."""
        try:
            return [
                _info(i)
                for i in self._native.check_manifest(
                    os.fspath(path), registry._native if registry else None
                )
            ]
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def plugins(self) -> List[PluginInfo]:
        """Every loaded plugin, by name."""
        return [_info(i) for i in self._native.plugins()]

    def enabled_for(self, site: str, kind: PluginKind) -> List[str]:
        """The loaded plugins of ``kind`` the manifest enables for ``site``."""
        try:
            return list(self._native.enabled_for(site, kind))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def run_report_json(self, plugin: str, report: ActivityReport, site: str) -> str:
        """:meth:`run_report`, the document as JSON text."""
        try:
            return self._native.run_report(plugin, report._native, site)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def run_report(self, plugin: str, report: ActivityReport, site: str) -> Dict[str, Any]:
        """Runs report plugin ``plugin`` on the masked tables of ``site`` in
        ``report``; returns its document (``title``, ``sections`` of
        paragraphs, tables and charts), checked and masked by the host."""
        document: Dict[str, Any] = json.loads(self.run_report_json(plugin, report, site))
        return document

    def run_rules(
        self,
        plugin: str,
        records: RecordsLike,
        ruleset: Optional[Ruleset] = None,
        registry: Optional[Registry] = None,
    ) -> List[Finding]:
        """Runs rules plugin ``plugin`` on a batch of visits (dicts, or JSON
        text), checked first against ``ruleset`` and ``registry`` (the
        shipped ones by default: invalid visits raise :class:`RecordError`);
        returns its findings, each pointing at a visit by position."""
        try:
            found = self._native.run_rules(
                plugin,
                records_json(records),
                ruleset._native if ruleset else None,
                registry._native if registry else None,
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return [
            Finding(
                plugin=f.plugin, index=f.index, field=f.field, severity=f.severity, reason=f.reason
            )
            for f in found
        ]
