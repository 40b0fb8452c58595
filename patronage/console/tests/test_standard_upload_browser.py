"""A service lead's path through the measurement upload in Chromium: a call-centre export is uploaded, its
progress bar shows while it waits for a worker, and when it is done the team's compliance has moved."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from patronage.care.models import Team
from patronage.conftest import business_set, console_sign_in
from patronage.console.views import standard_upload
from patronage.core.models import User
from patronage.members.imports import import_job_run
from patronage.standards.services import MeasurementInput, measurements_add
from patronage.standards.tests.factories import rings_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A morning of calls as a call-centre system exports them: its own column names, local times.
EXPORT = "Call ID,Agent,Queue,Time,Rings\n" + "".join(
    f"C-{n},sam_agent,Phones,2026-11-30 09:{n:02d},{1 if n % 5 else 3}\n" for n in range(10, 30)
)


def test_a_lead_uploads_a_call_centre_export_and_sees_the_team_compliance_move(
    browser_page, screenshot, monkeypatch, settings, tmp_path: Path, admin: User, lead: User, agent: User
):
    settings.MEDIA_ROOT = tmp_path / "media"
    business_set(time_zone="Asia/Seoul")
    Team.objects.create(name="Phones", lead=lead)
    rings = rings_standard(actor=admin)
    # Before the upload the Phones team answered 2 of 4 calls that week within 2 rings, one after 5.
    measurements_add(
        standard=rings,
        items=[
            MeasurementInput(value=value, at=datetime(2026, 11, 30, 0, n, tzinfo=UTC), team="Phones")
            for n, value in enumerate((1, 2, 3, 5))
        ],
        actor=admin,
    )
    # The worker: the test runs the queued job itself, so the page is seen waiting for it first.
    queued: list[int] = []
    monkeypatch.setattr(standard_upload, "import_job_enqueue", queued.append)
    calls = tmp_path / "calls.csv"
    calls.write_text(EXPORT)
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, lead)

    page.click("nav a:has-text('Standards')")
    page.click("#upload-link")
    page.wait_for_url("**/console/standards/upload/")
    page.select_option("#id_standard", "phone-rings")
    page.set_input_files("#id_file", str(calls))
    page.click("main button:has-text('Upload and record')")
    page.wait_for_url("**/console/standards/upload/*/")

    assert page.locator("[role=progressbar]").is_visible()
    assert "Waiting for a worker" in page.inner_text("#import-job")
    import_job_run(job_id=queued[0])
    page.wait_for_selector("text=each team before and after this upload")

    text = page.inner_text("#import-job")
    assert "20" in page.inner_text("#import-job dl")
    # 4 calls, 2 within 2 rings, before; 24 calls, 2 + 16 within 2 rings, after.
    row = page.locator(".upload-compliance tbody tr", has_text="Phones").inner_text()
    assert "4 → 24" in row
    assert "50.0% → 75.0%" in row
    assert "Nothing was imported" not in text
    assert not page.locator("[role=progressbar]").count()
    screenshot(page, "console-standards-upload")
