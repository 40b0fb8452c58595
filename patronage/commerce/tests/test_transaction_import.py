"""The transactions file: orders from lines, returns against their purchase, checked first, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patronage.commerce.imports.write import OrderWriter
from patronage.commerce.models import Channel, Order, OrderLine, Product, Store
from patronage.conftest import business_set
from patronage.members.imports import import_job_errors, import_job_notes, import_job_run, import_job_start
from patronage.members.models import ImportJob, ImportStatus, TimelineEvent
from patronage.members.timeline import kind_get

HEADER = "order_id,type,original_order_id,email,card_number,occurred_at,currency,store,sku,product_name,qty,price\n"
LINES = (
    "R-1,purchase,,alice@example.com,,2024-05-01T10:00:00+09:00,KRW,gangnam,TEE-1,T-shirt,2,15000\n"
    "R-1,,,,,,,,CAP-1,Cap,1,15000\n"
    "R-2,purchase,,,CARD-0002,2024-05-02 12:30,KRW,hongdae,TEE-1,T-shirt,1,15000\n"
    "R-3,return,R-1,,,2024-05-03T09:00:00+09:00,KRW,gangnam,TEE-1,T-shirt,1,15000\n"
    "R-4,purchase,,,,2024-05-04T09:00:00+09:00,KRW,gangnam,CAP-1,Cap,1,15000\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(text: str, **options: str) -> ImportJob:
    job = import_job_start(
        kind="transactions",
        file_name="sales.csv",
        content=text.encode(),
        actor=None,
        options=options,
        enqueue=None,
    )
    return import_job_run(job_id=job.pk)


def errors_of(job: ImportJob) -> list[tuple[object, object, object]]:
    errors, _more = import_job_errors(job)
    return [(error["line"], error["field"], error["message"]) for error in errors]


def test_lines_with_one_order_id_make_one_order_attached_to_its_member(alice, bob):
    job = run_import(HEADER + LINES)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.unchanged_count) == (4, 0)
    order = Order.objects.get(external_id="R-1")
    assert order.member == alice
    assert order.amount == Decimal("45000")
    assert [(line.sku, line.quantity, line.amount) for line in order.lines.all()] == [
        ("TEE-1", Decimal("2"), Decimal("30000")),
        ("CAP-1", Decimal("1"), Decimal("15000")),
    ]
    assert order.store.code == "gangnam"
    assert Order.objects.get(external_id="R-2").member == bob
    assert Order.objects.get(external_id="R-4").member is None  # no customer column filled: anonymous


def test_orders_appear_on_their_members_timeline(alice):
    run_import(HEADER + LINES.replace("CARD-0002", ""))

    events = TimelineEvent.objects.filter(member=alice, kind__in=["purchase", "return"]).order_by(
        "occurred_at"
    )
    assert [(event.kind, event.summary) for event in events] == [
        ("purchase", "45,000 KRW at gangnam, 3 items"),
        ("return", "15,000 KRW at gangnam, 1 item"),
    ]
    purchase = Order.objects.get(external_id="R-1")
    assert events[0].dedupe_key == f"order:{purchase.pk}"


def test_an_imported_purchase_reads_with_its_store_and_items_like_an_api_one(alice):
    run_import(HEADER + LINES.replace("CARD-0002", ""))

    purchase = TimelineEvent.objects.get(member=alice, kind="purchase")
    assert purchase.data["currency"] == "KRW"
    assert kind_get("purchase").words(purchase.data, "stored") == "45,000 KRW at gangnam, 3 items"


def test_a_return_refers_to_its_original_and_inherits_its_customer(alice, bob):
    run_import(HEADER + LINES)

    refund = Order.objects.get(external_id="R-3")
    assert refund.kind == "return"
    assert refund.original == Order.objects.get(external_id="R-1")
    assert refund.member == alice


def test_a_return_may_refer_to_a_purchase_imported_before(alice, bob):
    run_import(HEADER + LINES)

    job = run_import(HEADER + "R-5,return,R-1,,,2024-06-01,KRW,,TEE-1,T-shirt,1,15000\n")

    assert job.status == ImportStatus.DONE
    assert Order.objects.get(external_id="R-5").original.external_id == "R-1"


def test_a_return_over_what_is_left_of_the_original_is_rejected(alice, bob):
    run_import(HEADER + LINES)  # 45,000 bought, 15,000 returned

    job = run_import(HEADER + "R-6,return,R-1,,,2024-06-01,KRW,,TEE-1,T-shirt,3,15000\n")

    assert job.status == ImportStatus.REJECTED
    assert errors_of(job) == [
        (2, "amount", "return of 45000.00 is more than the 30000.00 left to return of purchase R-1"),
    ]
    assert not Order.objects.filter(external_id="R-6").exists()


def test_a_return_of_an_unknown_purchase_is_rejected(db):
    job = run_import(HEADER + "R-9,return,NOPE,,,2024-06-01,KRW,,TEE-1,T-shirt,1,100\n")

    assert errors_of(job) == [
        (2, "original_external_id", "purchase NOPE is neither in the database nor earlier in this file")
    ]


def test_an_unknown_customer_is_rejected_with_its_line(alice):
    job = run_import(HEADER + LINES.replace("CARD-0002", "CARD-9999"))

    assert job.status == ImportStatus.REJECTED
    assert errors_of(job) == [(4, "card_number", "no customer has card_number 'CARD-9999'")]
    assert Order.objects.count() == 0


def test_lines_of_one_order_must_agree_on_the_order_columns(alice, bob):
    text = HEADER + LINES.replace("R-1,,,,,,,,CAP-1", "R-1,,,,,2024-05-09,,,CAP-1")

    assert errors_of(run_import(text))[:1] == [
        (
            3,
            "occurred_at",
            "occurred_at '2024-05-09' differs from '2024-05-01T10:00:00+09:00' on line 2 of the same order",
        )
    ]


def test_importing_the_same_file_again_changes_nothing(alice, bob):
    run_import(HEADER + LINES)
    counts = (Order.objects.count(), OrderLine.objects.count(), TimelineEvent.objects.count())

    job = run_import(HEADER + LINES)

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.unchanged_count) == (0, 4)
    assert (Order.objects.count(), OrderLine.objects.count(), TimelineEvent.objects.count()) == counts


def test_an_order_imported_before_with_another_amount_is_rejected(alice, bob):
    run_import(HEADER + LINES)

    job = run_import(HEADER + LINES.replace("hongdae,TEE-1,T-shirt,1,15000", "hongdae,TEE-1,T-shirt,1,12"))

    assert errors_of(job) == [(4, "amount", "order R-2 was already imported with amount 15000.00")]


def test_unknown_store_and_product_codes_are_created_and_counted(alice, bob):
    job = run_import(HEADER + LINES)

    assert set(Store.objects.values_list("code", flat=True)) == {"gangnam", "hongdae"}
    assert Channel.objects.get().code == "store"
    assert set(Product.objects.values_list("sku", flat=True)) == {"TEE-1", "CAP-1"}
    assert import_job_notes(job) == [
        "1 new channel created",
        "2 new products created",
        "2 new stores created",
    ]
    stored = ImportJob.objects.get(pk=job.pk).notes
    assert [note["message"] for note in stored] == import_job_notes(job)  # kept on the job, in English


def test_an_amount_column_overrides_the_sum_of_lines_and_a_naive_time_is_local(db):
    business_set(time_zone="Asia/Seoul")

    run_import("transaction_id,date,total,currency\nT-1,2024-05-01 10:00,1234.50,usd\n", source="shop")

    order = Order.objects.get()
    assert (order.source, order.amount, order.currency) == ("shop", Decimal("1234.50"), "USD")
    assert order.occurred_at.isoformat() == "2024-05-01T01:00:00+00:00"


def test_a_failed_job_run_again_keeps_the_source_it_was_started_with(alice, bob, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(OrderWriter, "write", lambda *args: 1 / 0)
        failed = run_import(HEADER + LINES, source="pos")
    assert failed.status == ImportStatus.FAILED
    assert Order.objects.count() == 0

    job = import_job_run(job_id=failed.pk)

    assert job.status == ImportStatus.DONE
    assert set(Order.objects.values_list("source", flat=True)) == {"pos"}


@pytest.mark.parametrize(
    ("when", "words"),
    [("9999-12-31", "between 1900-01-01"), ("0001-01-01T00:00:00+14:00", "between 1900-01-01"),
     ("2099-01-01T00:00:00+09:00", "in the future")],
)  # fmt: skip
def test_a_purchase_date_the_api_refuses_is_refused_in_a_file_too(alice, when, words):
    job = run_import(HEADER + f"R-9,purchase,,alice@example.com,,{when},KRW,gangnam,TEE-1,T-shirt,1,15000\n")

    assert job.status == ImportStatus.REJECTED
    [(line, field, message)] = errors_of(job)
    assert (line, field) == (2, "occurred_at")
    assert words in str(message)
    assert not Order.objects.exists()
