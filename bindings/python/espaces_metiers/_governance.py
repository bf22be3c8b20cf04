"""Governance: meetings, compliance, calendar, arbitration and plans."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from . import _native as _n
from ._convert import DateLike, iso, records_json
from ._errors import raise_from_native, native_errors
from ._rules import Registry, Ruleset

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

Json = Dict[str, Any]


def _dumps(value: Any) -> str:
    if isinstance(value, str):
        return value
    return records_json(value) if isinstance(value, (list, tuple)) else json.dumps(value, default=str)


class Governance:
    """The rules of the network's bodies (Commission, technical and steering
    committees) over a registry's sites.

    Inputs are dicts and lists in the shapes of ``examples/governance/``
    (or JSON text); results are dicts."""

    __slots__ = ("_native",)

    def __init__(self, ruleset: Optional[Ruleset] = None, registry: Optional[Registry] = None) -> None:
        try:
            self._native = _n.Governance(
                ruleset._native if ruleset else None, registry._native if registry else None
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def record_meeting(self, meeting: Mapping[str, Any]) -> Json:
        """Checks a meeting against the rules: the recorded meeting with its
        ``warnings`` and ``explanation``; a meeting breaking a rule raises
        :class:`GovernanceError` listing every breach (``field``, ``reason``)."""
        try:
            data: Json = json.loads(self._native.record_meeting(_dumps(meeting)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def compliance(self, meetings: Iterable[Mapping[str, Any]], year: int) -> Json:
        """The compliance table of ``year``: one line per required meeting of
        each body and site, ``status`` saying whether it was held in time."""
        try:
            data: Json = json.loads(self._native.compliance(_dumps(list(meetings)), year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def calendar(
        self,
        year: int,
        site: Optional[str] = None,
        meetings: Sequence[Mapping[str, Any]] = (),
    ) -> Json:
        """The calendar of ``year`` (of one site and the region's items)."""
        try:
            data: Json = json.loads(self._native.calendar(year, site, _dumps(list(meetings))))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def calendar_ics(
        self,
        year: int,
        site: Optional[str] = None,
        meetings: Sequence[Mapping[str, Any]] = (),
    ) -> str:
        """The same calendar as an iCalendar text."""
        try:
            return self._native.calendar_ics(year, site, _dumps(list(meetings)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def arbitrate(
        self, roadmap: Mapping[str, Any], site: str, proposals: Sequence[Mapping[str, Any]]
    ) -> Json:
        """The recommended plan of ``site``: which proposals are ``kept``, and
        every proposal's outcome with its explanation."""
        try:
            data: Json = json.loads(
                self._native.arbitrate(_dumps(roadmap), site, _dumps(list(proposals)))
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def arbitrate_network(
        self, roadmap: Mapping[str, Any], proposals: Sequence[Mapping[str, Any]]
    ) -> List[Json]:
        """Every site's recommendation: rows ``{site, recommendation, error}``."""
        try:
            rows: List[Json] = json.loads(
                self._native.arbitrate_network(_dumps(roadmap), _dumps(list(proposals)))
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def decide(
        self,
        roadmap: Mapping[str, Any],
        proposals: Sequence[Mapping[str, Any]],
        recommendation: Mapping[str, Any],
        decisions: Sequence[Mapping[str, Any]] = (),
        decided_by: Optional[str] = None,
    ) -> Json:
        """The steering committee's decision: ``{plan, journal_record}``."""
        try:
            data: Json = json.loads(
                self._native.decide(
                    _dumps(roadmap),
                    _dumps(list(proposals)),
                    _dumps(recommendation),
                    _dumps(list(decisions)),
                    decided_by,
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def transmit(self, plan: Mapping[str, Any], day: DateLike) -> Json:
        """Transmits an arbitrated plan to the Region: ``{plan, journal_record}``."""
        try:
            data: Json = json.loads(self._native.transmit(_dumps(plan), iso(day)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def page_html(
        self,
        year: int,
        meetings: Sequence[Mapping[str, Any]],
        roadmap: Mapping[str, Any],
        proposals: Sequence[Mapping[str, Any]],
    ) -> str:
        """The governance page in French, as a self-contained HTML page (the
        ``governance.html`` of ``em report``): the compliance of ``year`` for
        the meetings (refused ones left out), the arbitration of the
        proposals against the roadmap, and the plans against the regional
        budget."""
        try:
            return self._native.page_html(
                year, _dumps(list(meetings)), _dumps(roadmap), _dumps(list(proposals))
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def page_document(
        self,
        year: int,
        meetings: Sequence[Mapping[str, Any]],
        roadmap: Mapping[str, Any],
        proposals: Sequence[Mapping[str, Any]],
    ) -> Json:
        """The same page as a document: ``title`` and ``sections`` of text
        blocks and tables, for other renderers."""
        try:
            data: Json = json.loads(
                self._native.page_document(
                    year, _dumps(list(meetings)), _dumps(roadmap), _dumps(list(proposals))
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def region_view(self, year: int, plans: Sequence[Mapping[str, Any]]) -> Json:
        """Every site's plan of ``year`` against its envelope and the budget."""
        try:
            data: Json = json.loads(self._native.region_view(year, _dumps(list(plans))))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data


class NetworkGovernance:
    """The meetings and action plans kept in a network database, each
    plan's transitions (arbitrated, transmitted) in its hash-chained
    journal: what ``em committee record``, ``em committee compliance --db``
    and ``em plan decide|transmit|show`` do, from Python.

    >>> gov = Network.open("network.db").governance     # doctest: +SKIP
    >>> gov.record_meetings(meetings)                    # doctest: +SKIP
    """

    __slots__ = ("_native",)

    def __init__(self, network_native: _n.Network) -> None:
        self._native = network_native

    def record_meetings(self, meetings: Sequence[Mapping[str, Any]]) -> List[Json]:
        """Checks every meeting against its body's rules and stores them all,
        or none: a refused meeting raises :class:`GovernanceError` listing
        every breach of every refused meeting (``line`` is the meeting's
        number in the list, ``field`` its field, ``path`` the rule); a
        meeting already stored raises :class:`StoreError`. Returns the
        recorded meetings with their ``warnings`` and ``explanation``."""
        try:
            rows: List[Json] = json.loads(self._native.record_meetings(_dumps(list(meetings))))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def meetings(self, year: int) -> List[Json]:
        """The stored meetings held in ``year``, by date."""
        try:
            rows: List[Json] = json.loads(self._native.meetings(year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def compliance(self, year: int) -> Json:
        """The compliance table of ``year`` for the stored meetings: one line
        per required meeting of each body and site, with its ``status``."""
        try:
            data: Json = json.loads(self._native.meeting_compliance(year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def decide_plans(
        self,
        roadmap: Mapping[str, Any],
        proposals: Sequence[Mapping[str, Any]],
        decisions: Sequence[Mapping[str, Any]] = (),
    ) -> List[Json]:
        """Every site's plan of the roadmap's year as its steering committee
        decides it (the recommendation unless a decision says otherwise),
        stored with its journal record, all or nothing. A plan already
        transmitted to the Region raises :class:`GovernanceError` naming its
        site, year and day, and then no plan is stored. Returns rows
        ``{plan, journal_record}``."""
        try:
            rows: List[Json] = json.loads(
                self._native.decide_plans(
                    _dumps(roadmap), _dumps(list(proposals)), _dumps(list(decisions))
                )
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def transmit_plan(self, site: str, year: int, day: DateLike) -> Json:
        """Transmits the stored plan of ``site`` for ``year`` to the Region on
        ``day``: ``{plan, journal_record}``. No stored plan raises
        :class:`NotFoundError`."""
        try:
            data: Json = json.loads(self._native.transmit_plan(site, year, iso(day)))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def plans(self, year: int) -> List[Json]:
        """The stored plans of ``year`` by site: rows ``{plan, history}``, the
        history being the plan's journal entries (``seq``, ``role``,
        ``actor``, ``at``, ``action``, ``reason``, ``payload``, ``hash``)."""
        try:
            rows: List[Json] = json.loads(self._native.plans(year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows
