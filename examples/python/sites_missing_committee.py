"""The sites missing a committee: which Espaces métiers did not hold their
technical committee (1 to 2 between June and November) or their steering
committee (at year end), or held one out of its window.

    python examples/python/sites_missing_committee.py --year 2009 \
        --meetings examples/governance/meetings-2009.json
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any, Dict, List, Optional, Sequence

import espaces_metiers as em

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent


def missing_committees(report: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The compliance lines of sites whose committee is missing or late."""
    return [
        line
        for line in report["lines"]
        if line.get("site") and line["status"] in ("missing", "out_of_window")
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, default=2009)
    parser.add_argument(
        "--meetings",
        type=pathlib.Path,
        default=EXAMPLES / "governance" / "meetings-2009.json",
        help="the year's meetings, as JSON (the shape of examples/governance)",
    )
    args = parser.parse_args(argv)
    try:
        meetings = json.loads(args.meetings.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        print(f"{args.meetings}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as error:
        print(f"{args.meetings}: byte {error.start}: the file is not UTF-8 text", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{args.meetings}: cannot be read: {error.strerror or error}", file=sys.stderr)
        return 1
    governance = em.Governance()
    try:
        report = governance.compliance(meetings, args.year)
    except em.EmError as error:
        print(f"{args.meetings}: {error}", file=sys.stderr)
        return 1
    lines = missing_committees(report)
    names = {site.id: site.name for site in em.Registry.shipped().sites()}
    if not lines:
        print(f"{args.year}: every site held its committees in their windows.")
    for line in lines:
        site = names.get(str(line["site"]), str(line["site"]))
        print(f"{site:<22} {line['label']:<45} {line['status']:<14} {line['explanation']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
