"""Fixtures of the bindings' test suite.

The suite runs against the *installed* wheel (scripts/python-tests.sh builds
it and runs pytest from an empty folder); ``EM_REPO_ROOT`` points at the
source tree for its data files (rulesets, demo data).
"""

from __future__ import annotations

import os
import pathlib
import random
from typing import Any, Dict, List

import pytest

REPO_ROOT = pathlib.Path(
    os.environ.get("EM_REPO_ROOT", pathlib.Path(__file__).resolve().parents[3])
)

SITES = [
    "charleville-mezieres",
    "vireux-molhain",
    "sedan",
    "bar-sur-aube",
    "romilly-sur-seine",
    "troyes",
    "chaumont",
    "nogent",
    "saint-dizier",
    "epernay",
    "reims",
]
THEMES = ["guidance", "guidance.vae", "training.offer", "employment.cv", "employment.job_search"]
STATUSES = ["job_seeker", "employee", "student", "pupil", "retired"]
AGE_BANDS = ["16_17", "18_25", "26_34", "35_44", "45_54", "55_plus"]


def make_visits(n: int, year: int = 2009, seed: int = 7) -> List[Dict[str, Any]]:
    """``n`` valid visits of ``year``, spread over the sites, with references
    so that a second import of the same visits is recognised."""
    rng = random.Random(seed)
    visits = []
    for i in range(n):
        site = SITES[i % len(SITES)]
        visits.append(
            {
                "site": site,
                "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "reference": f"{site}-{year}-{seed}-{i}",
                "visitor": f"v{rng.randint(1, n // 2 + 1)}",
                "contact_mode": rng.choice(["in_person", "phone", "email"]),
                "sex": rng.choice(["female", "male"]),
                "age_band": rng.choice(AGE_BANDS),
                "status": rng.choice(STATUSES),
                "themes": rng.sample(THEMES, 2),
                "services": ["information"],
            }
        )
    return visits


@pytest.fixture
def repo_root() -> pathlib.Path:
    """The source tree (for its data files only)."""
    return REPO_ROOT


@pytest.fixture
def shipped_ruleset_dir(repo_root: pathlib.Path) -> pathlib.Path:
    """The folder of the shipped ruleset."""
    return repo_root / "rulesets" / "champagne-ardenne"


@pytest.fixture
def ruleset_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A writable copy of the shipped ruleset's files, to break."""
    import espaces_metiers as em

    folder = tmp_path / "ruleset"
    folder.mkdir()
    for name, text in em.shipped_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
