"""The territory: coverage of the region by the sites and what-if questions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

from . import _native as _n
from ._convert import DateLike, iso
from ._errors import raise_from_native, native_errors
from ._rules import Registry, Ruleset

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

if TYPE_CHECKING:
    from ._network import Network

Json = Dict[str, Any]


class Territory:
    """The communes and sites of a registry, placed, with the territory
    rules of a ruleset (distance bands, white zones, largest overlap)."""

    __slots__ = ("_native",)

    def __init__(self, ruleset: Optional[Ruleset] = None, registry: Optional[Registry] = None) -> None:
        try:
            self._native = _n.Territory(
                ruleset._native if ruleset else None, registry._native if registry else None
            )
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def _call(self, name: str, *args: Any) -> Json:
        try:
            data: Json = json.loads(getattr(self._native, name)(*args))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return data

    def coverage(self, day: DateLike) -> Json:
        """Nearest site per commune, population per distance band per
        département and for the region, white zones; with ``explanation``."""
        return self._call("coverage", iso(day))

    def site_addition(self, day: DateLike, commune: str) -> Json:
        """What opening a site in commune ``commune`` (INSEE code) changes."""
        return self._call("site_addition", iso(day), commune)

    def site_closure(self, day: DateLike, site: str) -> Json:
        """What closing site ``site`` changes."""
        return self._call("site_closure", iso(day), site)

    def best_next_site(self, day: DateLike) -> Json:
        """Where a new site would bring the most people closest."""
        return self._call("best_next_site", iso(day))

    def catchment_overlap(self, day: DateLike, commune: str) -> Json:
        """The overlap of a site opened in ``commune`` with existing ones."""
        return self._call("catchment_overlap", iso(day), commune)

    def catchments(self, counts: Optional[Sequence[Mapping[str, Any]]] = None) -> List[Json]:
        """Each site's catchment (the communes nearer to it than to any other
        site) and its population; with ``counts`` — rows of ``site``,
        ``commune`` (INSEE code of residence, or None), ``visitors`` and
        ``visits`` — also where its visitors live: ``visitors.in_catchment``,
        ``elsewhere_in_region``, ``outside_region``, ``residence_unknown``
        and ``share_in_catchment``. A count naming an unknown site raises
        :class:`TerritoryError` naming every such row."""
        try:
            rows: List[Json] = json.loads(self._native.catchments(json.dumps(list(counts or []))))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return rows

    def catchments_by_residence(self, network: "Network", year: int) -> List[Json]:
        """Each site's catchment with the share of its visitors of ``year``
        who live in it, from the communes of residence recorded in
        ``network``'s visits (counted in the store; no visitor leaves it)."""
        try:
            counts = json.loads(network._native.visitor_residences(year))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
        return self.catchments(counts)

    def distance_km(self, commune_from: str, commune_to: str) -> float:
        """Great-circle distance in km between two communes' centres."""
        try:
            return self._native.distance_km(commune_from, commune_to)
        except NATIVE_ERRORS as e:
            raise_from_native(e)

    def map_svg(self, day: DateLike) -> str:
        """An SVG map of the coverage on ``day``."""
        try:
            return self._native.map_svg(iso(day))
        except NATIVE_ERRORS as e:
            raise_from_native(e)
