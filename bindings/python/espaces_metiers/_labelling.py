"""Labelling: judge an application, take the steps of its life."""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import _native as _n
from ._convert import DateLike, iso
from ._errors import ArgumentError, raise_from_native, native_errors
from ._rules import PathLike, Registry, Ruleset

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

Json = Dict[str, Any]


def _read(path: PathLike) -> Tuple[str, str, str]:
    """The text, format and name of an application or candidate file."""
    path = pathlib.Path(os.fspath(path))
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in ("toml", "json"):
        raise ArgumentError(f"{path.name}: not a .toml or .json file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        from ._errors import FileAccessError, Problem

        raise FileAccessError(str(e), [Problem(reason=str(e), file=str(path))]) from None
    return text, fmt, path.name


class Labelling:
    """The labelling rules (the regional specification and the CTEM's job
    profile) of a ruleset, in the territory of a registry: the facts an
    application does not state but its site's commune gives (its catchment
    overlap with the existing sites) are computed before it is judged."""

    __slots__ = ("_native",)

    def __init__(
        self, ruleset: Optional[Ruleset] = None, registry: Optional[Registry] = None
    ) -> None:
        try:
            self._native = _n.Labelling(
                ruleset._native if ruleset else None, registry._native if registry else None
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def _check(self, kind: str, text: str, format: str, name: Optional[str]) -> Json:
        # One path for texts and files, applications and candidates: the
        # native check returns the evaluation with its counts and its text.
        try:
            data: Json = json.loads(getattr(self._native, kind)(text, format, name))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def check_application(self, text: str, format: str = "toml") -> Json:
        """Judges an application's text (``toml`` or ``json``) against the
        specification in force on its submission day: ``outcome``,
        ``summary``, ``counts`` by level, every criterion with its
        ``explanation``, the catchment ``overlap`` with its figures, and the
        whole as ``text``.

        A malformed file raises :class:`LabellingError` listing every
        problem with its path, line and column."""
        return self._check("check_application", text, format, None)

    def check_application_file(self, path: PathLike) -> Json:
        """Judges an application file; its extension gives the format."""
        return self._check("check_application", *_read(path))

    def explain_application(self, text: str, format: str = "toml") -> str:
        """The evaluation as a text for a reader, one line per criterion."""
        text_: str = self.check_application(text, format)["text"]
        return text_

    def check_candidate(self, text: str, format: str = "toml") -> Json:
        """Judges a CTEM candidate's file (``applicant`` the candidate's
        reference, never a name; ``submitted`` the day; ``facts`` those of
        the job profile) against the job profile in force that day, as the
        recruitment committee reads it; nothing is recorded."""
        return self._check("check_candidate", text, format, None)

    def check_candidate_file(self, path: PathLike) -> Json:
        """Judges a candidate file; its extension gives the format."""
        return self._check("check_candidate", *_read(path))


class Applications:
    """The applications and CTEM candidacies of a network, each step
    recorded in its hash-chained journal."""

    __slots__ = ("_native",)

    def __init__(self, network_native: _n.Network) -> None:
        self._native = network_native

    def advance(
        self,
        application_id: str,
        command: Mapping[str, Any],
        *,
        role: str,
        actor: str,
        day: DateLike,
        reason: str = "",
    ) -> Json:
        """Takes a step (``{"action": "submit"}``, ``{"action": "draft",
        "document": {...}}``...) on an application, as ``role`` on ``day``;
        returns the application after it."""
        try:
            data: Json = json.loads(
                self._native.advance_application(
                    application_id, role, actor, iso(day), reason, json.dumps(command)
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def show(self, application_id: str) -> Json:
        """An application (``subject``) and its ``history``."""
        try:
            data: Json = json.loads(self._native.application(application_id))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def list(self, day: DateLike) -> List[Json]:
        """Every application with where it stands on ``day``."""
        try:
            rows: List[Json] = json.loads(self._native.applications(iso(day)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def advance_candidacy(
        self,
        candidacy_id: str,
        command: Mapping[str, Any],
        *,
        role: str,
        actor: str,
        day: DateLike,
        reason: str = "",
    ) -> Json:
        """Takes a step on a CTEM candidacy (``{"action": "propose",
        "candidate": {...}}``, ``{"action": "hire"}``...)."""
        try:
            data: Json = json.loads(
                self._native.advance_candidacy(
                    candidacy_id, role, actor, iso(day), reason, json.dumps(command)
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def show_candidacy(self, candidacy_id: str) -> Json:
        """A candidacy (``subject``) and its ``history``."""
        try:
            data: Json = json.loads(self._native.candidacy(candidacy_id))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def candidacies(self) -> List[Json]:
        """Every candidacy."""
        try:
            rows: List[Json] = json.loads(self._native.candidacies())
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def verify_journal(self) -> int:
        """Checks the journal's hash chain; returns its number of entries."""
        try:
            return self._native.verify_journal()
        except NATIVE_ERRORS as e:
            raise_from_native(e)
