"""The package as a user installs it: importable from anywhere, typed, with
every name of ``__all__`` present."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import espaces_metiers as em


def test_the_package_is_imported_from_the_installed_wheel_not_the_source_tree() -> None:
    location = pathlib.Path(em.__file__).resolve()
    assert "site-packages" in location.parts, location


def test_the_package_imports_from_an_unrelated_directory(tmp_path: pathlib.Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import espaces_metiers as em; print(em.__version__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == em.__version__


def test_the_package_ships_its_type_marker() -> None:
    assert (pathlib.Path(em.__file__).parent / "py.typed").is_file()


def test_every_name_of_all_exists() -> None:
    missing = [name for name in em.__all__ if not hasattr(em, name)]
    assert missing == []


def test_versions_are_those_of_the_library() -> None:
    assert em.__version__.count(".") == 2
    assert em.SCHEMA_VERSION == 1
