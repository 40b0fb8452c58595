"""An analyst's path through the analytics console in Chromium: recompute lifetime value, read its charts,
then study service projects. Takes the analytics guide's pictures (docs/guide/analytics.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from patronage.analytics.models import AnalysisRun, RunStatus
from patronage.analytics.services import analysis_execute, analysis_request
from patronage.analytics.tests.demo import demo_load
from patronage.conftest import console_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def business(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    demo_load(tmp_path, members=1_500)
    for kind, params in (
        ("churn", {}),
        ("loyalty", {}),
        ("deal_seekers", {}),
        ("service", {}),
        ("whatif", {"calibrate": True}),
    ):
        run = analysis_request(kind=kind, params=params, actor=None, enqueue=None)
        assert analysis_execute(run_id=run.pk).status == RunStatus.DONE


@pytest.fixture
def eager() -> Any:
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _drawn(page: Any, chart: str) -> None:
    page.wait_for_selector(f"canvas[data-chart='{chart}'][data-drawn='true']")


def test_an_analyst_recomputes_lifetime_value_and_studies_service_projects(
    browser_page, screenshot, analyst, business, eager
):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, analyst)

    page.click("nav.mainnav a:has-text('Analytics')")
    page.wait_for_url("**/console/analytics/")
    page.click("#analysis-clv button:has-text('Recompute')")
    page.wait_for_url("**/console/analytics/")
    assert AnalysisRun.objects.get(kind="clv").status == RunStatus.DONE
    assert "#" in page.inner_text("#analysis-clv .run-facts")
    screenshot(page, "console-analytics-home")

    page.click("#analysis-clv h2 a")
    page.wait_for_url("**/console/analytics/clv/")
    for chart in ("clv-histogram", "clv-segments", "clv-alive"):
        _drawn(page, chart)
    assert "BG/NBD purchase model" in page.inner_text("main")
    screenshot(page, "console-analytics-clv")

    page.goto("/console/analytics/churn/")
    _drawn(page, "churn-rate")
    _drawn(page, "churn-curve")
    screenshot(page, "console-analytics-churn")

    page.goto("/console/analytics/service/")
    _drawn(page, "service-outcomes")
    screenshot(page, "console-analytics-service")

    page.goto("/console/analytics/what-if/")
    _drawn(page, "whatif-tornado")
    page.click("main a:has-text('Calibrate from our data')")
    page.wait_for_selector("text=from our data")
    page.fill("#id_value", "250000")
    page.click("#whatif-form button:has-text('Compute')")
    page.wait_for_url("**value=250000**")
    _drawn(page, "whatif-projects")
    _drawn(page, "whatif-tornado")
    assert "Projects side by side" in page.inner_text("main")
    screenshot(page, "console-analytics-whatif")


def test_each_interval_of_the_deal_seekers_chart_stands_over_its_own_bar(
    browser_page, screenshot, analyst, business
):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, analyst)
    page.goto("/console/analytics/deal-seekers/")
    _drawn(page, "deal-rates")
    drawn = page.evaluate(
        """() => {
            const chart = window.Chart.getChart(document.querySelector("canvas[data-chart='deal-rates']"));
            const x = (index) => chart.getDatasetMeta(index).data[0].x;
            const legend = chart.legend.legendItems.map((item) => item.text);
            // A bar's top stands at its own value: values that share a place are not added up.
            const top = chart.getDatasetMeta(0).data[0].y;
            const value = chart.scales.y.getPixelForValue(chart.data.datasets[0].data[0]);
            return {bars: [x(0), x(2)], intervals: [x(1), x(3)], legend, top, value};
        }"""
    )
    assert drawn["intervals"] == pytest.approx(drawn["bars"])  # over its own bar, not between the two
    assert drawn["bars"][0] != pytest.approx(drawn["bars"][1])
    assert drawn["top"] == pytest.approx(drawn["value"], abs=1)
    assert sorted(drawn["legend"]) == ["95% interval", "Deal-seekers", "Others"]  # the interval named once
    screenshot(page, "console-analytics-deal-seekers")
