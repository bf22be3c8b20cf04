"""The governance page from Python: the same French, self-contained page
``em report`` writes as ``governance.html``."""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any, Dict

import pytest

import espaces_metiers as em


@pytest.fixture
def samples(repo_root: pathlib.Path) -> Dict[str, Any]:
    folder = repo_root / "examples" / "governance"
    return {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        for name in ["meetings-2009", "proposals-2010", "roadmap-2010"]
    }


@pytest.fixture
def page(samples: Dict[str, Any]) -> str:
    return em.Governance().page_html(
        2009, samples["meetings-2009"], samples["roadmap-2010"], samples["proposals-2010"]
    )


def visible_text(page: str) -> str:
    """What a reader sees: the page without its style sheet and tags."""
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_the_page_is_french(page: str) -> None:
    assert '<html lang="fr"' in page
    seen = visible_text(page)
    # Statuses, bodies and outcomes in French.
    for french in ["tenue", "non tenue", "Comité de pilotage", "Retenue : sert", "Écartée : "]:
        assert french in seen, french
    # None of the English words the command line prints.
    for english in ["held", "missing", "out_of_window", "kept:", "dropped:", "arbitrated", "envelope"]:
        assert english not in seen, english


def test_days_sites_and_euros_are_written_the_french_way(page: str) -> None:
    seen = visible_text(page)
    assert "18 juin 2009" in seen
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", seen), "an ISO day on the page"
    assert "Charleville-Mézières" in seen
    assert "charleville-mezieres" not in seen
    # "77 157 €": a narrow no-break space between thousands, a no-break
    # space before the sign.
    assert re.search("\\d\u202f\\d{3}\u00a0€", seen)


def test_the_page_is_self_contained(page: str) -> None:
    outside = page.replace("http://www.w3.org/", "")
    for link in ["http://", "https://", "<link", "<script src", 'src="/']:
        assert link not in outside, link


def test_the_page_as_a_document_has_its_three_sections(samples: Dict[str, Any]) -> None:
    document = em.Governance().page_document(
        2009, samples["meetings-2009"], samples["roadmap-2010"], samples["proposals-2010"]
    )
    assert document["title"] == "Gouvernance 2009 et plans d'actions 2010"
    ids = [section["id"] for section in document["sections"]]
    assert ids == ["governance-compliance", "governance-arbitration", "governance-region"]


def test_a_refused_meeting_is_left_out_and_a_malformed_input_names_its_file(
    samples: Dict[str, Any],
) -> None:
    governance = em.Governance()
    broken = dict(samples["meetings-2009"][0], attendees={})
    # A meeting breaking its body's rules does not stop the page.
    html = governance.page_html(
        2009, [broken], samples["roadmap-2010"], samples["proposals-2010"]
    )
    assert "non tenue" in visible_text(html)
    with pytest.raises(em.ArgumentError) as caught:
        governance.page_html(
            2009, samples["meetings-2009"], {"year": "2010"}, samples["proposals-2010"]
        )
    assert caught.value.file == "roadmap"
