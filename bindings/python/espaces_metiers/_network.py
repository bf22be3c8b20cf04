"""A network database: records in and out, statistics, the activity report."""

from __future__ import annotations

import json
import os
import pathlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from . import _native as _n
from ._convert import DateLike, RecordsLike, iso, records_json
from ._errors import ArgumentError, Problem, raise_from_native, native_errors
from ._rules import PathLike, Registry, Ruleset

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

if TYPE_CHECKING:
    from ._governance import NetworkGovernance
    from ._labelling import Applications
    from ._plugins import PluginHost

Counts = _n.Counts
ImportInfo = _n.ImportInfo
ImportSummary = _n.ImportSummary

Row = Dict[str, Any]
"""One row of statistics: plain values keyed by column name."""

FORMATS = ("json", "document", "html", "csv", "xlsx")
"""The formats an activity report is written in (``xlsx`` needs openpyxl)."""

DEFAULT_FORMATS = ("html", "json", "csv")
"""The formats :meth:`ActivityReport.write` writes unless told otherwise:
those of ``em report``, which need nothing beyond the package."""

FileImport = _n.FileImport
RenderedFile = _n.RenderedFile


class ActivityReport:
    """The annual activity report (*bilan d'activité*), every count masked."""

    __slots__ = ("_native",)

    def __init__(self, native: _n.ActivityReport) -> None:
        self._native = native

    @property
    def year(self) -> int:
        """The year reported on."""
        return self._native.year()

    @property
    def summary(self) -> str:
        """The region's summary, in French."""
        return self._native.summary()

    @property
    def small_count_threshold(self) -> int:
        """Counts strictly below this were masked."""
        return self._native.small_count_threshold()

    def to_json(self) -> str:
        """The report in its typed JSON form."""
        try:
            return self._native.to_json()
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain Python data."""
        data: Dict[str, Any] = json.loads(self.to_json())
        return data

    def document(self) -> Dict[str, Any]:
        """The report as a document: sections of text, tables and charts."""
        try:
            data: Dict[str, Any] = json.loads(self._native.document_json())
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def rows(self) -> List[Row]:
        """Every cell of every table, one row each (``value`` is None and
        ``masked`` True for a small count): ``pandas.DataFrame(report.rows())``."""
        try:
            rows: List[Row] = json.loads(self._native.rows_json())
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def render(self, format: str) -> List[RenderedFile]:
        """The report drawn in ``format`` as named files: ``json``,
        ``document``, ``html`` (one page with SVG charts), ``csv`` (one file
        per table, for French spreadsheets)."""
        try:
            return self._native.render(format)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def write(
        self, directory: PathLike, formats: Sequence[str] = DEFAULT_FORMATS
    ) -> List[pathlib.Path]:
        """Writes the report in every format of ``formats`` into
        ``directory`` (created if needed), in the layout ``em report``
        writes — ``index.html``, ``report.json``, ``csv/<table>.csv`` — plus
        ``document.json`` and ``report.xlsx`` (which needs openpyxl) when
        asked; returns the paths written."""
        folder = pathlib.Path(os.fspath(directory))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ArgumentError(
                f"{unknown[0]!r} is not a report format ({', '.join(FORMATS)})",
                [Problem(reason=f"unknown format {unknown[0]!r}", field="formats")],
            )
        # A missing openpyxl is found before any file is written, so that a
        # refused call leaves the folder as it was.
        openpyxl = _openpyxl() if "xlsx" in formats else None
        # html, json and csv are written by the library, as by `em report`.
        shared = [f for f in formats if f in ("html", "json", "csv")]
        written: List[pathlib.Path] = []
        try:
            written.extend(pathlib.Path(p) for p in self._native.write(os.fspath(folder), shared))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        folder.mkdir(parents=True, exist_ok=True)
        if "document" in formats:
            for file in self.render("document"):
                path = folder / file.name
                path.write_text(file.content, encoding="utf-8")
                written.append(path)
        if openpyxl is not None:
            written.append(self._write_xlsx(openpyxl, folder / "report.xlsx"))
        return written

    def _write_xlsx(self, openpyxl: Any, path: pathlib.Path) -> pathlib.Path:
        # em-render draws no workbook, so the package builds one from the
        # document's tables; masked cells read as in the HTML and CSV files:
        # "< threshold" for a count, "s" for a percentage, rate or change.
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)  # type: ignore[arg-type]
        masked = f"< {self.small_count_threshold}"
        used: set[str] = set()
        for section in self.document()["sections"]:
            for block in section["blocks"]:
                if block.get("type") != "table":
                    continue
                title = _sheet_title(block["id"], used)
                sheet = workbook.create_sheet(title)
                sheet.append([block["title"]])
                sheet.append([""] + [c["label"] for c in block["columns"]])
                marks = [
                    "s" if _holds_shares(block, i) else masked for i in range(len(block["columns"]))
                ]
                for row in block["rows"]:
                    sheet.append(
                        [row["label"]] + [_cell(c, m) for c, m in zip(row["cells"], marks)]
                    )
        workbook.save(path)
        return path

    def __repr__(self) -> str:
        return f"ActivityReport(year={self.year})"


def _openpyxl() -> Any:
    """The openpyxl module, or an :class:`ArgumentError` saying to install
    it: the package writes xlsx with it but does not require it."""
    try:
        import openpyxl
    except ImportError:
        raise ArgumentError(
            "writing xlsx needs openpyxl: pip install openpyxl",
            [Problem(reason="openpyxl is not installed", field="formats")],
        ) from None
    return openpyxl


def _sheet_title(table_id: str, used: "set[str]") -> str:
    # Excel caps sheet names at 31 characters and refuses some characters.
    base = "".join(ch for ch in table_id if ch not in "[]:*?/\\")[-31:] or "table"
    title, n = base, 2
    while title in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _holds_shares(table: Dict[str, Any], column: int) -> bool:
    # The rule of em-render (Table::holds_shares): "< 5" under a "%"
    # heading would read as "less than 5 %".
    label = table["columns"][column]["label"]
    return (
        "%" in label
        or "points" in label
        or any(row["cells"][column].get("type") in ("percent", "number") for row in table["rows"])
    )


def _cell(cell: Dict[str, Any], masked: str) -> Any:
    kind = cell.get("type")
    if kind == "masked":
        return masked
    if kind == "empty":
        return None
    return cell.get("value")


class Network:
    """An open network database (one SQLite file), with the registry and
    ruleset it is judged by.

    >>> net = Network.open("network.db")          # doctest: +SKIP
    >>> net.add_records([{"site": "sedan", ...}])  # doctest: +SKIP
    """

    __slots__ = ("_native",)

    def __init__(self, native: _n.Network) -> None:
        self._native = native

    @classmethod
    def open(
        cls,
        path: PathLike,
        ruleset: Optional[Ruleset] = None,
        registry: Optional[Registry] = None,
        *,
        create: bool = False,
    ) -> "Network":
        """Opens the database at ``path``; a missing file is a ``StoreError``
        unless ``create`` is true, so that a mistyped path never gives a new,
        empty network."""
        try:
            return cls(
                _n.Network.open(
                    os.fspath(path),
                    ruleset._native if ruleset else None,
                    registry._native if registry else None,
                    create,
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @classmethod
    def in_memory(
        cls, ruleset: Optional[Ruleset] = None, registry: Optional[Registry] = None
    ) -> "Network":
        """A network held in memory, gone when dropped."""
        try:
            return cls(
                _n.Network.in_memory(
                    ruleset._native if ruleset else None,
                    registry._native if registry else None,
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @property
    def path(self) -> str:
        """The database's path (``:memory:`` for one in memory)."""
        return self._native.path()

    @property
    def ruleset(self) -> Ruleset:
        """The ruleset the network is judged by."""
        return Ruleset(self._native.ruleset())

    @property
    def registry(self) -> Registry:
        """The network's registry."""
        return Registry(self._native.registry())

    def counts(self) -> Counts:
        """How many records of each kind the network holds."""
        try:
            return self._native.counts()
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def imports(self) -> List[ImportInfo]:
        """Every file and batch imported, oldest first."""
        try:
            return self._native.imports()
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def add_records(
        self, records: RecordsLike, kind: str = "visit", source: Optional[str] = None
    ) -> ImportSummary:
        """Checks and stores a batch of records of ``kind`` (``visit``,
        ``survey_answer``, ``event``) in one call, all or nothing.

        ``records`` is a list of dicts (dates as :class:`datetime.date` or
        ISO text), or JSON text. One problem anywhere raises
        :class:`RecordError` listing every problem (``line`` is the record's
        number) and stores nothing. The same batch twice is stored once."""
        try:
            return self._native.add_records(kind, records_json(records), source)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def import_file(
        self,
        path: PathLike,
        kind: Optional[str] = None,
        site: Optional[str] = None,
        format: Optional[str] = None,
        mapping: Optional[PathLike] = None,
        plugins: Optional["PluginHost"] = None,
    ) -> FileImport:
        """Imports a site's file (CSV, XLSX or JSON Lines) all or nothing.

        ``kind`` is guessed from the headers when not given, ``site`` fills
        a file without a site column, ``mapping`` names a column-mapping
        TOML file, ``plugins`` is a :class:`PluginHost` whose rules plugins
        for the file's site check its visits, as ``em import --plugins``
        does (a plugin's error refuses the file). A refused file raises
        :class:`ImportFileError` listing every problem (``line``,
        ``column``, ``field``, ``reason``)."""
        try:
            return self._native.import_file(
                os.fspath(path),
                kind,
                site,
                format,
                os.fspath(mapping) if mapping is not None else None,
                plugins._native if plugins is not None else None,
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def records(
        self, kind: str = "visit", start: DateLike = "1900-01-01", end: DateLike = "2200-12-31"
    ) -> List[Dict[str, Any]]:
        """The records of ``kind`` dated ``start`` to ``end`` (both included),
        as dicts in the order they were stored; the pseudonymous ``visitor``
        of a visit is left out, as it never leaves the store."""
        try:
            rows: List[Dict[str, Any]] = json.loads(
                self._native.records_json(kind, iso(start), iso(end))
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def statistics(self, year: int) -> List[Row]:
        """The statistics of ``year`` as rows, one per cell of the activity
        report's tables (scope, table, category, column, value), small
        counts masked: ``pandas.DataFrame(net.statistics(2009))``."""
        try:
            rows: List[Row] = json.loads(self._native.statistics_json(year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def activity_report(self, year: int, compare: bool = True) -> ActivityReport:
        """The activity report of ``year``, compared with the year before
        unless ``compare`` is False."""
        try:
            return ActivityReport(self._native.activity_report(year, compare))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    @property
    def applications(self) -> "Applications":
        """The labelling applications and CTEM candidacies of the network."""
        from ._labelling import Applications

        return Applications(self._native)

    @property
    def governance(self) -> "NetworkGovernance":
        """The meetings and action plans kept in the network."""
        from ._governance import NetworkGovernance

        return NetworkGovernance(self._native)

    def __repr__(self) -> str:
        return f"Network({self.path!r})"


def open_network(
    path: PathLike,
    ruleset: Optional[Ruleset] = None,
    registry: Optional[Registry] = None,
    *,
    create: bool = False,
) -> Network:
    """Opens the network database at ``path`` (made only with ``create=True``)."""
    return Network.open(path, ruleset, registry, create=create)


