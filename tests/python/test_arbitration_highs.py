"""Checks the arbitration's optimum against HiGHS, an independent MIP solver.

The Rust example `export_arbitration_instances` draws random arbitrations
(1 to 200 proposals, envelopes up to 10 M€ to the euro, random co-funding
minimum and limits per orientation) and writes each with the library's
answer: optimal or infeasible, the value, the kept proposals. This test
builds its own 0-1 program from the rules as `governance.toml` states them,
solves it with HiGHS (`highspy`), and requires:

- the same status (a plan exists or not);
- the same optimal value;
- the library's kept proposals meet every rule, checked here in exact
  integers, and are worth the value it reports.

Two draws of the rules are checked: the plausible ones (co-funding up to
35 %, at least two actions and half the envelope per orientation; 1,000
instances) and tight ones (co-funding up to 45 %, as few as one action and
20 % of the envelope per orientation; 300 instances, among them the
hardest the library meets). The library's search stops, unproven, after a
fixed number of nodes; none of these instances may.

Set EM_ARBITRATION_INSTANCES (and EM_ARBITRATION_TIGHT_INSTANCES) to a JSON
file written by the example to skip running cargo; EM_ARBITRATION_COUNT and
EM_ARBITRATION_TIGHT_COUNT change the number of instances (1000 and 300).
"""

import importlib
import json
import os
import subprocess
import sys
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


highspy = _require("highspy", "highspy")

REPO = Path(os.environ.get("EM_REPO_ROOT", Path(__file__).resolve().parents[2]))
AREAS = ["guidance", "training", "employment"]


# Each draw: the variable naming an exported file, the one changing the
# count, the default count, and the example's extra arguments.
DRAWS = {
    "plausible": ("EM_ARBITRATION_INSTANCES", "EM_ARBITRATION_COUNT", "1000", []),
    "tight": ("EM_ARBITRATION_TIGHT_INSTANCES", "EM_ARBITRATION_TIGHT_COUNT", "300", ["--tight"]),
}


def expected_count(draw):
    _, count_variable, default, _ = DRAWS[draw]
    return int(os.environ.get(count_variable, default))


@pytest.fixture(scope="module", params=sorted(DRAWS))
def draw(request):
    return request.param


@pytest.fixture(scope="module")
def instances(draw):
    file_variable, _, _, extra = DRAWS[draw]
    given = os.environ.get(file_variable)
    if given:
        text = Path(given).read_text(encoding="utf-8")
    else:
        # Optimised: a thousand instances of up to 200 proposals take about
        # a minute this way, twenty times more unoptimised.
        done = subprocess.run(
            [
                "cargo",
                "run",
                "--release",
                "--quiet",
                "-p",
                "em-governance",
                "--example",
                "export_arbitration_instances",
                "--",
                str(expected_count(draw)),
                "2010",
                *extra,
            ],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        text = done.stdout
    exported = json.loads(text)
    # A file given for one draw must hold that draw.
    assert exported.get("tight", False) == (draw == "tight"), draw
    return exported["instances"]


def values(instance):
    """Participants × the sum of the weights of the orientations served."""
    weights = instance["priority_weights"]
    priority = {o["number"]: o["priority"] for o in instance["orientations"]}
    out = []
    for p in instance["proposals"]:
        served = sorted(set(p["orientations"]) & set(priority))
        out.append(p["expected_participants"] * sum(weights[priority[o] - 1] for o in served))
    return out


def rules_met(instance, keep):
    """Every rule of the arbitration, on the kept proposals, in integers."""
    kept = [p for p, k in zip(instance["proposals"], keep) if k]
    envelope = instance["envelope_eur"]
    funding = sum(p["region_funding_eur"] for p in kept)
    cofunding = sum(p["cofunding_eur"] for p in kept)
    cost = sum(p["cost_eur"] for p in kept)
    broken = []
    if funding > envelope:
        broken.append("envelope")
    for area in instance["required_service_areas"]:
        if not any(area in p["themes"] for p in kept):
            broken.append(f"area {area}")
    if cofunding * 100 < instance["min_cofunding_percent"] * cost:
        broken.append("cofunding")
    for o in instance["orientations"]:
        serving = [p for p in kept if o["number"] in p["orientations"]]
        if len(serving) > instance["max_actions_per_orientation"]:
            broken.append(f"count {o['number']}")
        asked = sum(p["region_funding_eur"] for p in serving)
        if asked * 100 > instance["max_orientation_share_percent"] * envelope:
            broken.append(f"share {o['number']}")
    return broken


def solve_with_highs(instance):
    """The optimum HiGHS finds, as (value, keep) or None when infeasible."""
    proposals = instance["proposals"]
    n = len(proposals)
    v = values(instance)
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    x = [h.addBinary(obj=float(v[i])) for i in range(n)]
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    envelope = instance["envelope_eur"]
    h.addConstr(sum(p["region_funding_eur"] * x[i] for i, p in enumerate(proposals)) <= envelope)
    for area in instance["required_service_areas"]:
        covering = [x[i] for i, p in enumerate(proposals) if area in p["themes"]]
        if not covering:
            return None
        h.addConstr(sum(covering) >= 1)
    pct = instance["min_cofunding_percent"]
    # 100 × co-funding ≥ pct × cost, in whole euros.
    h.addConstr(
        sum((100 * p["cofunding_eur"] - pct * p["cost_eur"]) * x[i] for i, p in enumerate(proposals))
        >= 0
    )
    share = instance["max_orientation_share_percent"]
    for o in instance["orientations"]:
        serving = [i for i, p in enumerate(proposals) if o["number"] in p["orientations"]]
        if not serving:
            continue
        h.addConstr(sum(x[i] for i in serving) <= instance["max_actions_per_orientation"])
        h.addConstr(
            sum(100 * proposals[i]["region_funding_eur"] * x[i] for i in serving) <= share * envelope
        )
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    assert status == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(status)
    solution = h.getSolution().col_value
    keep = [value > 0.5 for value in solution]
    return sum(vi for vi, k in zip(v, keep) if k), keep


def test_the_instances_cover_small_large_and_infeasible_cases(draw, instances):
    assert len(instances) >= expected_count(draw)
    assert max(len(i["proposals"]) for i in instances) >= 190
    assert max(i["envelope_eur"] for i in instances) >= 5_000_000
    assert any(i["status"] == "infeasible" for i in instances)
    assert sum(i["status"] == "optimal" for i in instances) > len(instances) // 2


def test_the_library_finds_the_optimum_highs_finds(instances):
    mismatches = []
    for instance in instances:
        ours = instance["status"]
        highs = solve_with_highs(instance)
        if highs is None:
            if ours != "infeasible":
                mismatches.append(f"instance {instance['id']}: HiGHS finds no plan, the library does")
            continue
        highs_value, highs_keep = highs
        # HiGHS works in floating point: its plan must meet every rule in
        # exact integers for its value to be a witness.
        assert rules_met(instance, highs_keep) == [], f"instance {instance['id']}: HiGHS plan breaks rules"
        if ours == "unproven":
            if instance["kept"]:
                assert instance["value"] <= highs_value, f"instance {instance['id']}"
            continue
        if ours != "optimal":
            mismatches.append(f"instance {instance['id']}: the library finds no plan, HiGHS finds {highs_value}")
        elif instance["value"] != highs_value:
            mismatches.append(
                f"instance {instance['id']}: library {instance['value']}, HiGHS {highs_value}"
            )
    assert mismatches == [], "\n".join(mismatches[:20])


def test_no_search_stops_unproven(instances):
    unproven = [i["id"] for i in instances if i["status"] == "unproven"]
    assert unproven == [], unproven


def test_the_kept_proposals_meet_every_rule_and_are_worth_the_value(instances):
    for instance in instances:
        if not instance["kept"]:
            continue
        keep = [p["id"] in set(instance["kept"]) for p in instance["proposals"]]
        assert rules_met(instance, keep) == [], f"instance {instance['id']}"
        worth = sum(v for v, k in zip(values(instance), keep) if k)
        assert worth == instance["value"], f"instance {instance['id']}"
