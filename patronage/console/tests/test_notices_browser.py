"""A service lead's path in Chromium: a notice written in English and Korean for the buyers of a faulty
kettle, its audience seen before sending, sent with a confirmation, and counted once the job has told
them; then the page of what causes complaints. Takes the care guide's two pictures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patronage.care.models import Case, Notice, NoticeStatus, RootCause
from patronage.care.notices import notices_send
from patronage.commerce.models import Order, OrderLine, Product
from patronage.conftest import business_set, console_sign_in
from patronage.members.models import Member

from .case_setup import complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")


def _bought(member: Member, number: str, product: Product) -> None:
    order = Order.objects.create(
        member=member,
        external_id=number,
        occurred_at=datetime(2026, 2, 10, 12, tzinfo=SEOUL),
        currency="KRW",
        amount=Decimal("59000"),
    )
    OrderLine.objects.create(
        order=order, line_no=1, product=product, sku=product.sku, quantity=1, unit_price=59000, amount=59000
    )


def _complaints(alice: Member, bob: Member, kettle: Product) -> None:
    """A month of complaints: most about the kettle's lid, some about the courier, two not classified."""
    supplier = RootCause.objects.create(name="Supplier defect", name_translations={"ko": "공급사 불량"})
    courier = RootCause.objects.create(name="Courier damage")
    kinds = [(supplier, kettle)] * 5 + [(courier, None)] * 3 + [(None, None)] * 2
    for n, (cause, product) in enumerate(kinds):
        case = complaint(alice if n % 2 else bob, summary=f"Complaint {n}")
        Case.objects.filter(pk=case.pk).update(root_cause=cause, product=product, satisfaction=2 + n % 3)


def test_a_lead_tells_the_buyers_of_a_faulty_kettle_and_reads_what_causes_complaints(
    browser_page, screenshot, lead, alice, bob
):
    business_set(time_zone=str(SEOUL), languages=["en", "ko"])
    kettle = Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    _bought(alice, "A-1001", kettle)
    _bought(bob, "B-2002", kettle)
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, lead)

    page.click("nav.mainnav a:has-text('Notices')")
    page.wait_for_url("**/console/notices/")
    page.click("text=New notice")
    page.select_option("#notice_kind", "recall")
    page.fill("#notice_title", "Glass kettle: please stop using it")
    page.fill("#notice_title_in_ko", "유리 주전자: 사용을 중지해 주세요")
    page.fill("#notice_message", "The lid of kettles sold in February can crack. We will replace yours.")
    page.fill(
        "#notice_message_in_ko", "2월에 판매된 주전자의 뚜껑에 금이 갈 수 있습니다. 교환해 드리겠습니다."
    )
    page.fill("#notice_product", "KETTLE-1")
    page.fill("#notice_bought_from", "2026-02-01")
    page.fill("#notice_bought_to", "2026-02-28")
    page.click("button:has-text('Save the draft')")
    page.wait_for_selector("#notice-audience-count")
    assert page.inner_text("#notice-audience-count") == "2 customers"
    assert "Alice Kim" in page.inner_text("#notice-sample")
    page.click("#notice-send summary")
    screenshot(page, "care-notice")
    page.click("button:has-text('Yes, tell them now')")
    page.wait_for_selector("text=Sending: everyone it touches is told")
    assert Notice.objects.get().status == NoticeStatus.SENDING
    notices_send()  # the job's next run
    page.reload()
    assert page.inner_text("#notice-told") == "2"
    assert "Bob Tanaka" in page.inner_text("#notice-recipients")

    _complaints(alice, bob, kettle)
    page.goto("/console/cases/")
    page.click("text=What causes complaints")
    page.wait_for_url("**/console/cases/causes/")
    first = page.locator("#causes-root tbody tr").nth(0).inner_text()
    assert first.startswith("Supplier defect")
    assert "50.0%" in first
    screenshot(page, "care-causes")
    page.click("#causes-root a:has-text('Supplier defect')")
    page.wait_for_url("**/console/cases/?root_cause=*")
    assert "5 cases" in page.inner_text("main")  # the open cases of that cause
