"""Plain conversions at the Python edge: dates to ISO text, records to one
JSON text per batch, native records to dicts."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

DateLike = Union[datetime.date, str]
"""A day: a :class:`datetime.date` or ISO text ``YYYY-MM-DD``."""

RecordsLike = Union[str, Iterable[Mapping[str, Any]]]
"""Records: an iterable of dicts, or text already in JSON (array or lines)."""


def iso(day: DateLike) -> str:
    """The ISO text of a day."""
    if isinstance(day, datetime.datetime):
        return day.date().isoformat()
    if isinstance(day, datetime.date):
        return day.isoformat()
    return day


def iso_opt(day: Optional[DateLike]) -> Optional[str]:
    """The ISO text of a day, or None."""
    return None if day is None else iso(day)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return iso(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    # numpy and pandas scalars have .item(); NaN-free by the caller's care.
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def records_json(records: RecordsLike) -> str:
    """One JSON text for a whole batch: ``json.dumps`` runs in C over the
    list, which is the cheapest way across the boundary."""
    if isinstance(records, str):
        return records
    if not isinstance(records, list):
        records = list(records)
    return json.dumps(records, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def as_dict(record: Any) -> Dict[str, Any]:
    """A native record (a dataclass) as a plain dict."""
    return dataclasses.asdict(record)


def as_dicts(records: Iterable[Any]) -> List[Dict[str, Any]]:
    """Native records as plain dicts, ready for ``pandas.DataFrame``."""
    return [dataclasses.asdict(r) for r in records]
