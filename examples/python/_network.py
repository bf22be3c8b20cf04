"""What the example scripts share: opening the network database they work
on, filled with the demo data set when it is new."""

from __future__ import annotations

import argparse
import pathlib

import espaces_metiers as em


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """Adds ``--db``: the network database to read."""
    parser.add_argument(
        "--db",
        type=pathlib.Path,
        default=pathlib.Path("target") / "examples-python" / "network.db",
        help="network database (created with the demo data set if absent)",
    )


def open_network(database: pathlib.Path) -> em.Network:
    """Opens ``database``; a new one is filled with the demo data set, the
    same files ``em demo`` writes, imported as a coordinator would."""
    if database.exists():
        return em.Network.open(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    return em.demo_network(database)
