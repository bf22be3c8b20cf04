"""Checks the governance calendar's iCalendar export with an independent
parser, Python's `icalendar`.

The Rust example `export_calendar` writes the network's calendar of 2009
(the sample meetings of examples/governance/ included). This test parses it
back and requires:

- timed items in Europe/Paris at the right instants on both sides of the
  clock changes of 29 March and 25 October 2009, computed both from the
  file's own VTIMEZONE (not the system's database) and from zoneinfo;
- all-day windows as DATE values with an exclusive end;
- one UID per item, the same on a second export (so a re-import updates);
- CRLF line endings and lines of at most 75 octets.

Set EM_CALENDAR_ICS to an .ics file written by the example to skip running
cargo.
"""

import importlib
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest


def _require(module: str, package: str):
    """Imports `module`, installing `package` into this interpreter first if
    it is missing: the CI runs this file in a fresh virtual environment."""
    try:
        return importlib.import_module(module)
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", package], check=True
        )
        return importlib.import_module(module)


icalendar = _require("icalendar", "icalendar")

REPO = Path(os.environ.get("EM_REPO_ROOT", Path(__file__).resolve().parents[2]))


def export(year: str) -> bytes:
    done = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "em-governance", "--example", "export_calendar", "--", year],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def raw() -> bytes:
    given = os.environ.get("EM_CALENDAR_ICS")
    if given:
        return Path(given).read_bytes()
    return export("2009")


@pytest.fixture(scope="module")
def calendar(raw):
    return icalendar.Calendar.from_ical(raw)


def events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_lines_end_with_crlf_and_fit_in_75_octets(raw):
    assert raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    # Some lines are long enough to be folded, and fold back.
    assert any(line.startswith(b" ") for line in lines)


def test_the_file_carries_its_own_paris_time_zone(calendar):
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Paris"]
    kinds = {c.name for c in zones[0].subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}


@pytest.mark.parametrize(
    "uid, utc",
    [
        # 2nd Tuesday of January, 09:30 in winter time (UTC+1).
        ("em-champagne-ardenne-2009-activity_report-coordination-region", datetime(2009, 1, 13, 8, 30)),
        # 2nd Tuesday of May, 09:30 in summer time (UTC+2).
        ("em-champagne-ardenne-2009-programme_review-coordination-region", datetime(2009, 5, 12, 7, 30)),
        # Reims' technical committees at 14:00, three days before and two
        # days after the 25 October change.
        ("em-champagne-ardenne-meeting-technical_committee-reims-2009-1", datetime(2009, 10, 22, 12, 0)),
        ("em-champagne-ardenne-meeting-technical_committee-reims-2009-2", datetime(2009, 10, 27, 13, 0)),
    ],
)
def test_timed_items_fall_on_the_right_instant_across_the_clock_changes(calendar, uid, utc):
    event = events(calendar)[uid]
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris"
    expected = utc.replace(tzinfo=timezone.utc)
    # With the system's zoneinfo, as most clients do.
    assert start.dt.astimezone(timezone.utc) == expected
    # With the file's own VTIMEZONE, as clients without the zone do.
    own = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    local = start.dt.replace(tzinfo=None)
    assert local.replace(tzinfo=own).astimezone(timezone.utc) == expected
    assert event["DTEND"].dt > start.dt


@pytest.mark.parametrize(
    "uid, first, end_exclusive",
    [
        ("em-champagne-ardenne-2009-activity_report-sedan", date(2009, 1, 1), date(2009, 3, 1)),
        ("em-champagne-ardenne-2009-commission_roadmap-region", date(2009, 6, 1), date(2009, 7, 1)),
        ("em-champagne-ardenne-2009-technical_committee_meetings-troyes", date(2009, 6, 1), date(2009, 12, 1)),
        ("em-champagne-ardenne-2009-steering_committee_arbitration-reims", date(2009, 11, 1), date(2010, 1, 1)),
    ],
)
def test_all_day_windows_end_on_the_day_after_their_last(calendar, uid, first, end_exclusive):
    event = events(calendar)[uid]
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert type(event["DTSTART"].dt) is date
    assert type(event["DTEND"].dt) is date
    assert event["DTSTART"].dt == first
    assert event["DTEND"].dt == end_exclusive
    assert event["DTEND"].dt - event["DTSTART"].dt >= timedelta(days=1)


def test_uids_are_unique_and_stable_across_exports(calendar, raw):
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    # 11 sites × 5 windows, 2 regional windows, 3 coordination meetings,
    # and the 2009 sample meetings.
    assert len(uids) > 5 * 11 + 2 + 3
    if not os.environ.get("EM_CALENDAR_ICS"):
        assert export("2009") == raw


def test_text_with_separators_survives_the_round_trip(calendar):
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Réunion coordination – CTEM : Bilan d'activité qualitatif et quantitatif de l'année écoulée" in summaries
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")]
    assert any("; " in d for d in descriptions)
