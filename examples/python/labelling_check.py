"""The labelling check: each application file judged against the regional
specification in force on its submission day, with every criterion not met
and why — what the Commission reads before giving its opinion.

    python examples/python/labelling_check.py examples/applications/*
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Any, Dict, Optional, Sequence

import espaces_metiers as em

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent


def describe(path: pathlib.Path, evaluation: Dict[str, Any]) -> str:
    """A few lines on one application: its outcome, then each criterion not
    met (or not judged for lack of a fact) with its explanation."""
    lines = [f"{path.name}: {evaluation['outcome']} — {evaluation['summary']}"]
    for criterion in evaluation["criteria"]:
        if criterion["verdict"] != "met":
            lines.append(
                f"  [{criterion['level']}] {criterion['label']}: {criterion['explanation']}"
            )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "files",
        nargs="*",
        type=pathlib.Path,
        help="application files (.toml or .json); the examples' when none",
    )
    args = parser.parse_args(argv)
    files = args.files or sorted((EXAMPLES / "applications").glob("*.*"))
    labelling = em.Labelling()
    refused = 0
    for path in files:
        try:
            print(describe(path, labelling.check_application_file(path)))
        except em.EmError as error:
            refused += 1
            print(f"{path.name}: cannot be judged", file=sys.stderr)
            for problem in getattr(error, "problems", None) or [error]:
                print(f"  {problem}", file=sys.stderr)
        except OSError as error:
            refused += 1
            print(f"{path}: cannot be read: {error.strerror or error}", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
