"""Analytics through the API: who may call it, requesting and reading runs, scores, exports and what-if."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client

from patronage.analytics.models import AnalysisRun
from patronage.analytics.services import analysis_execute, analysis_request
from patronage.analytics.tests.demo import demo_load
from patronage.core.apikeys import SCOPES


@pytest.fixture
def business(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.VAR_DIR = tmp_path
    return demo_load(tmp_path, members=200)


@pytest.fixture
def clv_run(business: dict[str, Any]) -> AnalysisRun:
    run = analysis_request(kind="clv", params={}, actor=None, enqueue=None)
    return analysis_execute(run_id=run.pk)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {run} stands for the finished CLV run's id
    success: int = 200
    body: dict[str, Any] | None = None
    kind: str | None = "clv"  # the analysis it reads or requests; None: each one the caller may see

    def call(self, client: Client, run: AnalysisRun) -> Any:
        url = "/api/v1/analytics" + self.path.format(run=run.pk)
        if self.method == "get":
            return client.get(url)
        return client.post(url, self.body or {}, content_type="application/json")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("get", "/runs", kind=None),
    Endpoint("get", "/runs?kind=clv"),
    Endpoint("get", "/runs/{run}"),
    Endpoint("post", "/runs", 202, {"kind": "loyalty", "params": {}}, kind="loyalty"),
    Endpoint("get", "/clv/latest"),
    Endpoint("get", "/runs/{run}/customers"),
    Endpoint("get", "/runs/{run}/export?format=csv"),
    Endpoint("get", "/runs/{run}/export?format=parquet"),
    Endpoint("post", "/whatif", 200, {}, kind="whatif"),
    Endpoint("get", "/nps-groups", kind="loyalty"),
]
SERVICE_ENDPOINTS = [
    Endpoint("get", "/runs?kind=service", kind="service"),
    Endpoint("post", "/runs", 202, {"kind": "service", "params": {}}, kind="service"),
]
# What a session of each standard group reads besides what analysts and administrators read (issue 11).
MAY_SEE = {
    "manager": ("clv", "churn", "loyalty", "deal_seekers"),
    "lead": ("service", "whatif"),
}


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests queue runs; no test here needs them computed behind its back."""
    from patronage.analytics import tasks

    monkeypatch.setattr(tasks.analysis_execute_task, "delay", lambda run_id: None)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_caller_without_credentials(endpoint, clv_run):
    assert endpoint.call(Client(), clv_run).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_key_without_the_analytics_scope(endpoint, clv_run, api_client):
    response = endpoint.call(api_client(*sorted(set(SCOPES) - {"analytics"})), clv_run)

    assert response.status_code == 403
    assert "analytics" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_treats_a_members_session_as_no_credentials(endpoint, clv_run, alice, client_as):
    assert endpoint.call(client_as(alice.user), clv_run).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS + SERVICE_ENDPOINTS, ids=str)
def test_staff_without_any_analytics_permission_are_refused(endpoint, clv_run, agent, client_as):
    response = endpoint.call(client_as(agent), clv_run)

    assert response.status_code == 403
    assert "analytics.view" in response.json()["detail"]
    assert AnalysisRun.objects.count() == 1


@pytest.mark.parametrize("role", sorted(MAY_SEE))
def test_a_session_reads_and_requests_only_the_analyses_of_its_work(role, clv_run, client_as, request):
    client = client_as(request.getfixturevalue(role))

    for endpoint in ENDPOINTS + SERVICE_ENDPOINTS:
        response = endpoint.call(client, clv_run)
        if endpoint.kind is None or endpoint.kind in MAY_SEE[role]:
            assert response.status_code == endpoint.success, endpoint
        else:
            assert response.status_code == 403, endpoint
            needed = "view_service_analyses" if role == "manager" else "view_customer_analyses"
            assert needed in response.json()["detail"], endpoint

    requested = {"manager": {"clv", "loyalty"}, "lead": {"clv", "service"}}[role]
    assert set(AnalysisRun.objects.values_list("kind", flat=True)) == requested


def test_the_run_list_leaves_out_what_the_session_may_not_see(clv_run, lead, lead_analyst, client_as):
    service_run = analysis_request(kind="service", params={}, actor=None, enqueue=None)

    def listed(user: Any) -> list[int]:
        return [item["id"] for item in client_as(user).get("/api/v1/analytics/runs").json()["items"]]

    assert listed(lead) == [service_run.pk]
    assert listed(lead_analyst) == [service_run.pk, clv_run.pk]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_key_with_the_scope_is_served(endpoint, clv_run, api_client):
    assert endpoint.call(api_client("analytics"), clv_run).status_code == endpoint.success


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_are_served(endpoint, role, clv_run, client_as, request):
    response = endpoint.call(client_as(request.getfixturevalue(role)), clv_run)

    assert response.status_code == endpoint.success


# --- what they answer ---------------------------------------------------------------------------


@pytest.fixture
def api(api_client: Callable[..., Client]) -> Client:
    return api_client("analytics")


def test_a_request_is_queued_with_its_parameters_and_answers_202(business, api):
    response = api.post(
        "/api/v1/analytics/runs",
        {"kind": "clv", "params": {"horizon_days": 180}},
        content_type="application/json",
    )

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["kind"] == "clv"
    assert body["params"]["horizon_days"] == 180
    assert body["params"]["model"] == "bgnbd"
    assert body["window_end"] is not None
    assert body["created_by"] is None


def test_a_bad_parameter_is_refused_naming_it(business, api):
    response = api.post(
        "/api/v1/analytics/runs",
        {"kind": "clv", "params": {"model": "magic"}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "model"
    assert not AnalysisRun.objects.exists()


def test_a_run_reads_with_its_result(clv_run, api):
    body = api.get(f"/api/v1/analytics/runs/{clv_run.pk}").json()

    assert body["status"] == "done"
    assert body["progress"] == 100
    assert set(body["result"]["fit"]["params"]) == {"r", "alpha", "a", "b"}


def test_the_list_filters_by_kind_and_leaves_results_out(clv_run, api):
    assert api.get("/api/v1/analytics/runs?kind=churn").json()["count"] == 0
    listed = api.get("/api/v1/analytics/runs?kind=clv").json()

    assert listed["count"] == 1
    assert "result" not in listed["items"][0]
    assert api.get("/api/v1/analytics/runs?kind=nonsense").status_code == 422


def test_latest_is_the_last_finished_run_while_the_next_computes(clv_run, api):
    analysis_request(kind="clv", params={}, actor=None, enqueue=None)

    latest = api.get("/api/v1/analytics/clv/latest").json()

    assert latest["id"] == clv_run.pk
    assert api.get("/api/v1/analytics/churn/latest").status_code == 404


def test_the_scores_are_paginated_best_first_and_filter_by_segment(clv_run, api):
    page = api.get(f"/api/v1/analytics/runs/{clv_run.pk}/customers?limit=5").json()

    assert page["count"] == 200
    assert len(page["items"]) == 5
    values = [item["clv"] for item in page["items"]]
    assert values == sorted(values, reverse=True)
    segment = page["items"][0]["rfm_segment"]
    filtered = api.get(f"/api/v1/analytics/runs/{clv_run.pk}/customers", {"segment": segment}).json()
    assert filtered["count"] > 0
    assert all(item["rfm_segment"] == segment for item in filtered["items"])


def test_the_exports_are_csv_and_parquet_with_the_clv_columns(clv_run, api):
    as_csv = api.get(f"/api/v1/analytics/runs/{clv_run.pk}/export?format=csv")
    as_parquet = api.get(f"/api/v1/analytics/runs/{clv_run.pk}/export?format=parquet")

    assert as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv["Content-Disposition"]
    from_csv = pl.read_csv(io.BytesIO(as_csv.content))
    from_parquet = pl.read_parquet(io.BytesIO(as_parquet.content))
    assert from_csv.columns == from_parquet.columns
    assert {"member_id", "clv", "p_alive", "frequency", "recency", "T", "rfm_segment"} <= set(
        from_csv.columns
    )
    assert from_csv.height == from_parquet.height == 200
    assert api.get(f"/api/v1/analytics/runs/{clv_run.pk}/export?format=xlsx").status_code == 422


def test_whatif_computes_at_once_with_tarp_defaults(db, api):
    response = api.post("/api/v1/analytics/whatif", {"customers": 1000}, content_type="application/json")

    body = response.json()
    assert response.status_code == 200
    assert body["inputs"]["customers"] == 1000
    assert body["inputs"]["complaint_rate"] == 0.04
    scenarios = [row["scenario"] for row in body["projects"]]
    assert scenarios[0] == "current"
    assert len(scenarios) == 5
    assert body["tornado"][0]["swing"] >= body["tornado"][-1]["swing"]
    assert not AnalysisRun.objects.exists()


def test_whatif_refuses_a_share_above_one(db, api):
    response = api.post("/api/v1/analytics/whatif", {"problem_rate": 1.4}, content_type="application/json")

    assert response.status_code == 422
    assert "problem_rate" in str(response.json()["errors"])


def test_an_unknown_run_is_not_found(db, api):
    assert api.get("/api/v1/analytics/runs/999").status_code == 404
