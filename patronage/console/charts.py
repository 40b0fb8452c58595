"""The charts of the console's pages, as specs console/analytics.js draws with the vendored Chart.js: a page
embeds each spec with json_script (console/analytics/_charts_script.html) and places a canvas for it
(console/analytics/_chart.html)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


def chart(
    chart_id: str,
    kind: str,
    labels: list[Any],
    datasets: list[dict[str, Any]],
    *,
    title: str | Promise = "",
    horizontal: bool = False,
    percent: bool = False,
    whole: bool = False,
) -> dict[str, Any]:
    """What console/analytics.js draws: a Chart.js type, labels and datasets ("interval" ones are floating
    bars from low to high). `whole`: the values count things (members, points), so the axis has no
    fractions."""
    return {
        "id": chart_id,
        "type": kind,
        "title": str(title),
        "labels": [str(label) for label in labels],
        "datasets": [{**d, "label": str(d.get("label", ""))} for d in datasets],
        "horizontal": horizontal,
        "percent": percent,
        "whole": whole,
    }
