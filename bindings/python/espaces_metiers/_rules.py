"""The ruleset and the registry: load, validate, read."""

from __future__ import annotations

import os
from typing import Dict, List, Mapping, Optional, Union

from . import _native as _n
from ._convert import DateLike, RecordsLike, iso, iso_opt, records_json
from ._errors import Problem, problem_from_native, raise_from_native, native_errors

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

PathLike = Union[str, "os.PathLike[str]"]

RulesetInfo = _n.RulesetInfo
CodeInfo = _n.CodeInfo
SiteInfo = _n.SiteInfo
RegionInfo = _n.RegionInfo
DepartementInfo = _n.DepartementInfo
CommuneInfo = _n.CommuneInfo


class Ruleset:
    """The network's rules, as versioned and dated data."""

    __slots__ = ("_native",)

    def __init__(self, native: _n.Ruleset) -> None:
        self._native = native

    @classmethod
    def shipped(cls) -> "Ruleset":
        """The Champagne-Ardenne ruleset shipped with the library."""
        return cls(_n.Ruleset.shipped())

    @classmethod
    def load(cls, directory: PathLike) -> "Ruleset":
        """Loads the ruleset in ``directory`` (its ``.toml`` files), checked
        in every area as ``em ruleset check`` checks it.

        Raises :class:`RulesetError` listing every problem of every file.
        """
        try:
            return cls(_n.Ruleset.load(os.fspath(directory)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @classmethod
    def from_files(cls, files: Mapping[str, str]) -> "Ruleset":
        """Builds a ruleset from file texts (file name → TOML text), checked
        in every area as :meth:`load` checks a folder."""
        try:
            return cls(_n.Ruleset.from_files(dict(files)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @property
    def info(self) -> RulesetInfo:
        """Identity, version and file names."""
        return self._native.info()

    def file(self, name: str) -> str:
        """The text of one file of the ruleset."""
        try:
            return self._native.file(name)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def nomenclatures(self) -> List[str]:
        """The identifiers of the statistics nomenclatures."""
        return self._native.nomenclatures()

    def codes(self, nomenclature: str, day: Optional[DateLike] = None) -> List[CodeInfo]:
        """The codes of a nomenclature: all, or those in force on ``day``."""
        try:
            return self._native.codes(nomenclature, iso_opt(day))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def small_count_threshold(self, day: DateLike) -> int:
        """Counts strictly below this are masked in anything published."""
        try:
            return self._native.small_count_threshold(iso(day))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def visit_required_fields(self, day: DateLike) -> List[str]:
        """The fields a visit must fill in on ``day``."""
        try:
            return self._native.visit_required_fields(iso(day))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def __repr__(self) -> str:
        info = self.info
        return f"Ruleset({info.id!r}, version={info.version!r})"


def validate_ruleset(directory: PathLike) -> List[Problem]:
    """Every problem of the ruleset in ``directory``; empty when it is valid."""
    try:
        return [problem_from_native(p) for p in _n.validate_ruleset(os.fspath(directory))]
    except NATIVE_ERRORS as e:
        raise_from_native(e)


class Registry:
    """The network: region, départements, sites, communes."""

    __slots__ = ("_native",)

    def __init__(self, native: _n.Registry) -> None:
        self._native = native

    @classmethod
    def shipped(cls) -> "Registry":
        """The network of Champagne-Ardenne at the end of 2009."""
        return cls(_n.Registry.shipped())

    @classmethod
    def load(cls, registry_toml: PathLike, communes_csv: PathLike) -> "Registry":
        """Loads a registry from its ``registry.toml`` and ``communes.csv``."""
        try:
            return cls(_n.Registry.load(os.fspath(registry_toml), os.fspath(communes_csv)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @property
    def region(self) -> RegionInfo:
        """The region and its départements."""
        return self._native.region()

    def sites(self) -> List[SiteInfo]:
        """Every site, in the registry's order."""
        return self._native.sites()

    def site(self, site_id: str) -> SiteInfo:
        """The site ``site_id``; :class:`NotFoundError` if there is none."""
        try:
            return self._native.site(site_id)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def commune(self, code: str) -> CommuneInfo:
        """The commune with INSEE code ``code``."""
        try:
            return self._native.commune(code)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def commune_count(self) -> int:
        """How many communes the region has."""
        return self._native.commune_count()

    def __repr__(self) -> str:
        return f"Registry({self.region.id!r}, sites={len(self.sites())})"


def check_records(
    records: RecordsLike,
    kind: str = "visit",
    ruleset: Optional[Ruleset] = None,
    registry: Optional[Registry] = None,
) -> List[Problem]:
    """Every problem of a batch of records of ``kind`` (``visit``,
    ``survey_answer`` or ``event``), in one call; empty when all are valid.
    ``line`` of each problem is the record's number (1-based)."""
    ruleset = ruleset or Ruleset.shipped()
    registry = registry or Registry.shipped()
    try:
        problems = _n.check_records(ruleset._native, registry._native, kind, records_json(records))
    except NATIVE_ERRORS as e:
        raise_from_native(e)
    return [problem_from_native(p) for p in problems]


def record_schema(kind: str) -> str:
    """The JSON schema of a record kind, as JSON text."""
    try:
        return _n.record_schema(kind)
    except NATIVE_ERRORS as e:
        raise_from_native(e)


def shipped_files() -> Dict[str, str]:
    """The texts of the shipped ruleset's files, by name."""
    ruleset = Ruleset.shipped()
    return {name: ruleset.file(name) for name in ruleset.info.files}
