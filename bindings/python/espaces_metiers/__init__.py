"""espaces_metiers: the rules of a network of *Espaces métiers* — job,
training and careers-guidance centres — from Python.

The heavy work runs in the Rust library; this package gives it a Python
shape: dates as :class:`datetime.date` or ISO text, records as dicts handed
over in batches (one call across the boundary per batch), statistics as
lists of dicts ready for ``pandas.DataFrame(rows)``, and one exception class
per kind of problem, each with the place (``file``, ``line``, ``column``,
``field``) and the ``reason``.

>>> import espaces_metiers as em
>>> ruleset = em.Ruleset.shipped()
>>> [s.id for s in em.Registry.shipped().sites()][:3]
['charleville-mezieres', 'vireux-molhain', 'sedan']
"""

from __future__ import annotations

from . import _native
from ._convert import DateLike, RecordsLike
from ._errors import (
    ArgumentError,
    EmError,
    FileAccessError,
    GovernanceError,
    ImportFileError,
    InternalError,
    LabellingError,
    NotFoundError,
    PluginError,
    Problem,
    RecordError,
    ReportError,
    RulesetError,
    StoreError,
    TerritoryError,
)
from ._demo import DemoFile, demo_network, write_demo_files
from ._governance import Governance, NetworkGovernance
from ._labelling import Applications, Labelling
from ._network import (
    FORMATS,
    ActivityReport,
    Counts,
    FileImport,
    ImportInfo,
    ImportSummary,
    Network,
    RenderedFile,
    Row,
    open_network,
)
from ._plugins import Finding, LoadOutcome, PluginHost, PluginInfo, PluginLoadError
from ._territory import Territory
from ._rules import (
    CodeInfo,
    CommuneInfo,
    DepartementInfo,
    RegionInfo,
    Registry,
    Ruleset,
    RulesetInfo,
    SiteInfo,
    check_records,
    record_schema,
    shipped_files,
    validate_ruleset,
)

__version__: str = _native.version()
SCHEMA_VERSION: int = _native.schema_version()

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "ActivityReport",
    "Applications",
    "Governance",
    "NetworkGovernance",
    "Labelling",
    "Counts",
    "FileImport",
    "Finding",
    "ImportInfo",
    "ImportSummary",
    "LoadOutcome",
    "Network",
    "Row",
    "open_network",
    "ArgumentError",
    "CodeInfo",
    "CommuneInfo",
    "DateLike",
    "DemoFile",
    "DepartementInfo",
    "EmError",
    "FileAccessError",
    "GovernanceError",
    "InternalError",
    "ImportFileError",
    "LabellingError",
    "NotFoundError",
    "PluginError",
    "PluginLoadError",
    "PluginHost",
    "PluginInfo",
    "Problem",
    "RecordError",
    "RecordsLike",
    "RegionInfo",
    "Registry",
    "RenderedFile",
    "ReportError",
    "Ruleset",
    "RulesetError",
    "RulesetInfo",
    "SiteInfo",
    "StoreError",
    "Territory",
    "TerritoryError",
    "check_records",
    "demo_network",
    "record_schema",
    "shipped_files",
    "validate_ruleset",
    "write_demo_files",
]
