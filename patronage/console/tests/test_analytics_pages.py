"""The analytics pages: who may open them, what each shows from the last run, recomputing with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from patronage.analytics.models import AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.services import analysis_execute, analysis_request
from patronage.analytics.tests.demo import demo_load

PAGES = [
    "console:analytics",
    "console:analytics_methods",
    "console:analytics_clv",
    "console:analytics_churn",
    "console:analytics_loyalty",
    "console:analytics_deal_seekers",
    "console:analytics_service",
    "console:analytics_whatif",
]
KINDS = ("clv", "churn", "loyalty", "deal_seekers", "service")
CUSTOMER_ANALYSES = ("clv", "churn", "loyalty", "deal_seekers")
SERVICE_ANALYSES = ("service", "whatif")
# The analyses each person of the cast opens with the standard groups (issue 11): program managers the
# analyses of customers, service leads the service analyses, analysts and administrators every one.
MAY_SEE: dict[str, tuple[str, ...]] = {
    "admin": CUSTOMER_ANALYSES + SERVICE_ANALYSES,
    "analyst": CUSTOMER_ANALYSES + SERVICE_ANALYSES,
    "lead_analyst": CUSTOMER_ANALYSES + SERVICE_ANALYSES,
    "manager": CUSTOMER_ANALYSES,
    "lead": SERVICE_ANALYSES,
    "agent": (),
}


@pytest.fixture
def business(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.VAR_DIR = tmp_path
    return demo_load(tmp_path, members=300)


@pytest.fixture
def computed(business: dict[str, Any]) -> dict[str, AnalysisRun]:
    runs = {}
    for kind, params in [(kind, {}) for kind in KINDS] + [("whatif", {"calibrate": True})]:
        run = analysis_request(kind=kind, params=params, actor=None, enqueue=None)
        runs[kind] = analysis_execute(run_id=run.pk)
        assert runs[kind].status == RunStatus.DONE, runs[kind].error
    return runs


def _urls(run: AnalysisRun | None = None) -> list[str]:
    urls = [reverse(name) for name in PAGES]
    if run is not None:
        urls += [
            reverse("console:analytics_progress", args=[run.pk]),
            reverse("console:analytics_export", args=[run.pk, "csv"]),
        ]
    return urls


def test_anonymous_visitors_are_sent_to_the_login(db):
    for url in _urls():
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("console:login"))


def test_members_and_agents_are_refused(computed, alice, agent, client_as):
    for user in (alice.user, agent):
        client = client_as(user)
        for run in computed.values():
            for url in _urls(run):
                assert client.get(url).status_code == 403, (user, url)
        for kind in computed:
            assert client.post(reverse("console:analytics_recompute", args=[kind])).status_code == 403
    assert AnalysisRun.objects.count() == len(computed)


def test_each_role_opens_the_analyses_of_its_work_and_no_other(computed, client_as, request):
    from patronage.console.views.analytics import PAGES as KIND_PAGES

    assert set(computed) == set(KIND_PAGES)
    for role, kinds in MAY_SEE.items():
        client = client_as(request.getfixturevalue(role))
        for name in ("console:analytics", "console:analytics_methods"):
            assert client.get(reverse(name)).status_code == (200 if kinds else 403), (role, name)
        for kind, run in computed.items():
            expected = 200 if kind in kinds else 403
            urls = [
                reverse(KIND_PAGES[kind]),
                reverse("console:analytics_progress", args=[run.pk]),
                reverse("console:analytics_export", args=[run.pk, "csv"]),
            ]
            for url in urls:
                assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("role", sorted(MAY_SEE))
def test_recompute_is_refused_for_an_analysis_outside_ones_work(db, role, client_as, request):
    client = client_as(request.getfixturevalue(role))

    for kind in CUSTOMER_ANALYSES + SERVICE_ANALYSES:
        response = client.post(reverse("console:analytics_recompute", args=[kind]))
        assert response.status_code == (302 if kind in MAY_SEE[role] else 403), kind

    assert sorted(AnalysisRun.objects.values_list("kind", flat=True)) == sorted(MAY_SEE[role])


@pytest.mark.parametrize("role", sorted(MAY_SEE))
def test_the_analytics_link_and_home_show_only_the_analyses_one_may_open(db, role, client_as, request):
    from patronage.console.views.analytics import PAGES as KIND_PAGES

    client = client_as(request.getfixturevalue(role))
    kinds = MAY_SEE[role]

    page = client.get(reverse("console:customers")).content.decode()
    assert (f'href="{reverse("console:analytics")}"' in page) is bool(kinds)
    if not kinds:
        return
    home = client.get(reverse("console:analytics")).content.decode()
    for kind, url_name in KIND_PAGES.items():
        assert (f'id="analysis-{kind}"' in home) is (kind in kinds), kind
        assert (f'href="{reverse(url_name)}"' in home) is (kind in kinds), kind
    assert home.count("Recompute") == len(kinds)


def test_the_home_lists_each_analysis_with_its_last_run(computed, analyst, client_as):
    page = client_as(analyst).get(reverse("console:analytics")).content.decode()

    for run in computed.values():
        assert f"#{run.pk}" in page
    assert "horizon_days=365" in page  # the CLV run's parameters
    assert page.count("Recompute") == len(computed)


def test_the_pages_show_nothing_computed_yet_before_a_first_run(db, analyst, client_as):
    page = client_as(analyst).get(reverse("console:analytics_clv")).content.decode()

    assert "has not been computed yet" in page
    assert "Recompute" in page


def test_the_clv_page_shows_the_fit_the_charts_and_the_top_customers(computed, analyst, client_as):
    run = computed["clv"]
    page = client_as(analyst).get(reverse("console:analytics_clv")).content.decode()

    assert "BG/NBD purchase model" in page
    assert "Standard error" in page
    for chart in ("clv-histogram", "clv-segments", "clv-alive"):
        assert f'data-chart="{chart}"' in page
        assert f'id="{chart}"' in page
    best = run.result["top"][0]["member"]
    assert reverse("console:customer", args=[best]) in page
    assert reverse("console:analytics_export", args=[run.pk, "parquet"]) in page
    assert f"{reverse('console:analytics_methods')}#customer-lifetime-value-and-profitability" in page


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        (
            "console:analytics_churn",
            ["churn-rate", "churn-curve", "churn-auc", "Cohort retention", "Main reasons"],
        ),
        ("console:analytics_loyalty", ["loyalty-histogram", "loyalty-segments", "loyalty-repeat"]),
        ("console:analytics_deal_seekers", ["deal-rates", "deal-values", "95% intervals"]),
        ("console:analytics_service", ["service-outcomes", "service-response", "Resolved quickly"]),
    ],
)
def test_each_analysis_page_draws_its_charts(computed, analyst, client_as, name, texts):
    page = client_as(analyst).get(reverse(name)).content.decode()

    for text in texts:
        assert text in page


def test_the_methods_page_has_an_anchor_for_every_analysis(db, analyst, client_as):
    from patronage.console.views.analytics import METHOD_SECTIONS, method_anchor

    page = client_as(analyst).get(reverse("console:analytics_methods")).content.decode()

    for kind in METHOD_SECTIONS:
        assert f'id="{method_anchor(kind)}"' in page


def test_the_whatif_page_computes_the_tarp_defaults_and_the_given_inputs(db, analyst, client_as):
    client = client_as(analyst)

    default = client.get(reverse("console:analytics_whatif")).content.decode()
    assert 'value="0.04"' in default  # TARP: 4% of unhappy customers complain
    assert "whatif-tornado" in default
    assert "Projects side by side" in default

    form = dict(_whatif_defaults().items()) | {"customers": 2000}
    changed = client.get(reverse("console:analytics_whatif"), form)
    assert changed.status_code == 200
    assert 'value="2000' in changed.content.decode()


def test_the_whatif_page_refuses_a_share_above_one(db, analyst, client_as):
    form = _whatif_defaults() | {"problem_rate": 1.5}

    response = client_as(analyst).get(reverse("console:analytics_whatif"), form)

    assert response.status_code == 400


def test_the_whatif_page_calibrates_from_the_data(computed, analyst, client_as):
    page = client_as(analyst).get(reverse("console:analytics_whatif") + "?calibrate=1").content.decode()

    assert "from our data" in page
    customers = computed["whatif"].result["inputs"]["customers"]
    assert f'name="customers" value="{customers:g}' in page.replace('step="any" ', "")


def _whatif_defaults() -> dict[str, Any]:
    from dataclasses import asdict

    from patronage.analytics.whatif import TARP_MINOR

    return asdict(TARP_MINOR) | {"change": 0.1}


@pytest.fixture
def eager() -> Any:
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_recompute_queues_a_run_and_the_page_follows_its_progress(business, analyst, client_as):
    client = client_as(analyst)

    response = client.post(reverse("console:analytics_recompute", args=["loyalty"]))

    assert response.status_code == 302
    run = AnalysisRun.objects.get(kind="loyalty")
    assert run.created_by == analyst
    assert run.status == RunStatus.QUEUED
    home = client.get(reverse("console:analytics")).content.decode()
    assert f'hx-get="{reverse("console:analytics_progress", args=[run.pk])}"' in home
    polled = client.get(reverse("console:analytics_progress", args=[run.pk]), headers={"HX-Request": "true"})
    assert "Waiting for a worker" in polled.content.decode()
    assert "HX-Refresh" not in polled

    analysis_execute(run_id=run.pk)

    finished = client.get(
        reverse("console:analytics_progress", args=[run.pk]), headers={"HX-Request": "true"}
    )
    assert finished["HX-Refresh"] == "true"


def test_recompute_runs_through_celery_once_committed(
    business, analyst, client_as, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_as(analyst).post(reverse("console:analytics_recompute", args=["service"]))

    assert AnalysisRun.objects.get(kind="service").status == RunStatus.DONE


def test_recompute_of_an_unknown_analysis_is_not_found(db, analyst, client_as):
    assert (
        client_as(analyst).post(reverse("console:analytics_recompute", args=["astrology"])).status_code == 404
    )


def test_the_export_links_download_the_scores(computed, analyst, client_as):
    run = computed["churn"]
    client = client_as(analyst)

    as_csv = client.get(reverse("console:analytics_export", args=[run.pk, "csv"]))
    as_parquet = client.get(reverse("console:analytics_export", args=[run.pk, "parquet"]))

    import io

    assert pl.read_csv(io.BytesIO(as_csv.content)).columns == [
        "member_id",
        "rfm_segment",
        "churn_risk",
        "churn_reasons",
    ]
    assert (
        pl.read_parquet(io.BytesIO(as_parquet.content)).height
        == CustomerScore.objects.filter(run=run).count()
    )
    assert client.get(reverse("console:analytics_export", args=[run.pk, "xlsx"])).status_code == 404
