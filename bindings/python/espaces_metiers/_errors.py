"""Exceptions raised by espaces_metiers, one class per kind of problem.

Every exception carries the list of every problem found (``problems``), and
the place of the first one as attributes (``file``, ``path``, ``line``,
``column``, ``field``, ``reason``), so that a script can say where to look
without digging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, NoReturn, Optional, Tuple, Type


@dataclass(frozen=True)
class Problem:
    """Where and why one thing was refused."""

    reason: str
    file: Optional[str] = None
    path: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    field: Optional[str] = None

    def __str__(self) -> str:
        place = self.file or ""
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.path:
            place += f" at `{self.path}`"
        if self.field:
            place += f" field `{self.field}`"
        return f"{place.strip()}: {self.reason}" if place.strip() else self.reason


class EmError(Exception):
    """Base class of every error of espaces_metiers."""

    def __init__(self, message: str, problems: Optional[List[Problem]] = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.problems: List[Problem] = list(problems or [])

    def _first(self) -> Optional[Problem]:
        return self.problems[0] if self.problems else None

    @property
    def file(self) -> Optional[str]:
        """The file of the first problem."""
        first = self._first()
        return first.file if first else None

    @property
    def path(self) -> Optional[str]:
        """The path inside the file of the first problem."""
        first = self._first()
        return first.path if first else None

    @property
    def line(self) -> Optional[int]:
        """The line (or record number in a batch) of the first problem."""
        first = self._first()
        return first.line if first else None

    @property
    def column(self) -> Optional[int]:
        """The column of the first problem."""
        first = self._first()
        return first.column if first else None

    @property
    def field(self) -> Optional[str]:
        """The field of the first problem."""
        first = self._first()
        return first.field if first else None

    @property
    def reason(self) -> str:
        """Why, for the first problem (the message when there is none)."""
        first = self._first()
        return first.reason if first else self.message


class RulesetError(EmError):
    """A ruleset or registry file is refused."""


class RecordError(EmError, ValueError):
    """Records (a batch or a file's rows) break the statistics schema."""


class ImportFileError(EmError):
    """A file could not be imported as a whole (format, encoding, conflict)."""


class StoreError(EmError):
    """The network database could not be opened, read or written."""


class FileAccessError(EmError, OSError):
    """A file or folder could not be read or written."""


class NotFoundError(EmError, LookupError):
    """Something asked for does not exist (a site, a nomenclature...)."""


class ArgumentError(EmError, ValueError):
    """An argument is malformed (a date, a kind, a format name)."""


class ReportError(EmError):
    """An activity report or a rendering could not be made."""


class LabellingError(EmError):
    """A labelling evaluation or transition is refused."""


class GovernanceError(EmError):
    """A meeting, a calendar or an arbitration is refused."""


class TerritoryError(EmError):
    """A territory computation is refused."""


class PluginError(EmError):
    """A plugin could not be loaded or failed while running.

    ``plugin`` names the plugin (None for a manifest or the host itself),
    ``failure`` says what happened in one word (``timeout``, ``memory_cap``,
    ``trap``, ``forbidden``, ``interface_version``, ``hash_mismatch``,
    ``corrupt``, ``tampered``, ``output_too_large``, ``invalid_output``,
    ``refused``, ``not_enabled``, ``unknown``, ``manifest``...) and
    ``phase`` the moment of the plugin's life it happened in, where known.
    """

    def __init__(
        self,
        message: str,
        problems: Optional[List[Problem]] = None,
        plugin: Optional[str] = None,
        failure: str = "",
        phase: Optional[str] = None,
    ) -> None:
        super().__init__(message, problems)
        self.plugin: Optional[str] = plugin
        self.failure: str = failure
        self.phase: Optional[str] = phase


class InternalError(EmError):
    """A fault inside the library itself (a bug, never the caller's input).

    The native layer reports a Rust panic as its own ``InternalError``,
    which is not an :class:`EmError`; it is raised again as this class so
    that ``except EmError`` catches everything the package raises. Please
    report it with the call that raised it."""


_BY_VARIANT: Dict[str, Type[EmError]] = {
    "InternalError": InternalError,
    "Ruleset": RulesetError,
    "Records": RecordError,
    "Import": ImportFileError,
    "Store": StoreError,
    "File": FileAccessError,
    "NotFound": NotFoundError,
    "Argument": ArgumentError,
    "Report": ReportError,
    "Labelling": LabellingError,
    "Governance": GovernanceError,
    "Territory": TerritoryError,
    "Plugin": PluginError,
}


def native_errors() -> Tuple[Type[BaseException], ...]:
    """The exception classes of the native layer that the wrappers turn
    into :class:`EmError` subclasses: its error enum and its internal
    error (a panic caught at the boundary)."""
    from . import _native as _n

    return (_n.EmError, _n.InternalError)


def problem_from_native(p: Any) -> Problem:
    """Copies a native problem record into a :class:`Problem`."""
    return Problem(
        reason=p.reason,
        file=p.file,
        path=p.path,
        line=p.line,
        column=p.column,
        field=p.field,
    )


def raise_from_native(error: Exception) -> NoReturn:
    """Re-raises a native error as the exception class of its kind."""
    variant = type(error).__name__
    cls = _BY_VARIANT.get(variant, EmError)
    message = str(getattr(error, "message", error))
    problems = [problem_from_native(p) for p in getattr(error, "problems", [])]
    if cls is PluginError:
        raise PluginError(
            message,
            problems,
            plugin=getattr(error, "plugin", None),
            failure=str(getattr(error, "failure", "")),
            phase=getattr(error, "phase", None),
        ) from None
    raise cls(message, problems) from None
