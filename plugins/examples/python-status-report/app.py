"""Report plugin in Python: the visitors' statuses, largest first.

Build it into a component with componentize-py (see plugins/README.md):

    componentize-py -d ../../wit -w report componentize app -o status_report.wasm
"""

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import types as t

TABLE = "visits_by_status"


class Reporter(exports.Reporter):
    def describe(self) -> t.PluginInfo:
        return t.PluginInfo(
            name="python-status-report",
            version="0.1.0",
            interface_version="0.1.0",
            sites=[],
            needs=[TABLE],
            description="The visitors' statuses, largest first (a Python example).",
        )

    def render(self, tables: t.SiteTables) -> t.Document:
        table = next((x for x in tables.tables if x.id == TABLE), None)
        if table is None:
            raise Err(f"the activity report has no table `{TABLE}`")
        counted = []
        for row in table.rows:
            cell = row.cells[0] if row.cells else t.Cell_Empty()
            if isinstance(cell, t.Cell_Count):
                counted.append((cell.value, row.label))
        counted.sort(reverse=True)
        ranking = t.Table(
            id="status_ranking",
            title="Statuts des visiteurs, du plus fréquent au moins fréquent",
            columns=[t.Column(id="visits", label="Visites")],
            rows=[t.Row(code=None, label=label, cells=[t.Cell_Count(n)]) for n, label in counted],
            note="Les statuts aux effectifs masqués ne sont pas classés.",
        )
        chart = t.Chart(
            id="status_ranking_chart",
            title="Visites par statut",
            kind=t.ChartKind.HORIZONTAL_BAR,
            measure=t.Measure.COUNT,
            unit="visites",
            categories=[label for _, label in counted],
            series=[t.Series(label="Visites", values=[float(n) for n, _ in counted])],
        )
        return t.Document(
            title="Statuts des visiteurs",
            sections=[
                t.Section(
                    id="status_ranking_section",
                    title=f"Statuts des visiteurs à {tables.site}",
                    blocks=[t.Block_Table(ranking), t.Block_Chart(chart)],
                )
            ],
        )
