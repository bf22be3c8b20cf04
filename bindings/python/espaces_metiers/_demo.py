"""The demo data set: the seeded files of ``em demo``, and a network built
from them, so that examples and notebooks run anywhere."""

from __future__ import annotations

import os
import pathlib
import tempfile
from typing import List, Optional

from . import _native as _n
from ._errors import raise_from_native, native_errors
from ._network import Network
from ._rules import PathLike

# The native exceptions every call turns into an EmError subclass.
NATIVE_ERRORS = native_errors()

DemoFile = _n.DemoFile


def write_demo_files(directory: PathLike) -> List[DemoFile]:
    """Writes the demo data set (French CSV, XLSX, JSON Lines files of the
    eleven sites) under ``directory``; returns its files, visits first."""
    try:
        return _n.write_demo_files(os.fspath(directory), None, None)
    except NATIVE_ERRORS as e:
        raise_from_native(e)


def demo_network(database: PathLike, files_dir: Optional[PathLike] = None) -> Network:
    """A network at ``database`` holding the demo data set, imported from its
    files as a coordinator would import the sites' files. Importing twice is
    harmless: a file already imported adds nothing."""
    network = Network.open(database, create=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(os.fspath(files_dir)) if files_dir is not None else pathlib.Path(scratch)
        for file in write_demo_files(folder):
            network.import_file(file.path, kind=file.kind, site=file.site)
    return network
