"""A transactions import books its purchases' points in their programs, once, in the import's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patronage.commerce.models import Brand, Channel, Order, Store
from patronage.conftest import program_launched
from patronage.loyalty.models import Account, OrderPoints, Program
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import earn_rule_save
from patronage.loyalty.services import imports as loyalty_imports
from patronage.members.imports import import_job_errors, import_job_notes, import_job_run, import_job_start
from patronage.members.models import ImportJob, ImportStatus, Member

HEADER = "order_id,type,original_order_id,email,occurred_at,amount,currency,brand,store,program\n"


@pytest.fixture(autouse=True)
def _media_and_true_ledger(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    assert ledger_verify() == []


def program_with_rule(code: str, name: str, *, per: str = "100", brand: Brand | None = None) -> Program:
    """A program earning 1 point per `per` KRW, set up long before the purchases imported."""
    program = program_launched(Program.objects.create(code=code, name=name, currency="KRW", brand=brand))
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": per},
        priority=10,
        actor=None,
    )
    return program


@pytest.fixture
def coffee() -> Program:
    return program_with_rule("coffee", "Coffee Club", per="100")


@pytest.fixture
def books() -> Program:
    return program_with_rule("books", "Book Friends", per="1000")


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


def balance(member: Member, program: Program) -> int:
    account = Account.objects.filter(member=member, program=program).first()
    return account.pending + account.active if account else 0


def test_each_row_earns_in_the_program_its_program_column_names(alice, bob, coffee, books):
    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,coffee\n"
        + "R-2,purchase,,bob@example.com,2024-05-02,20000,KRW,,,books\n"
    )

    assert job.status == ImportStatus.DONE, job.errors
    assert (balance(alice, coffee), balance(alice, books)) == (150, 0)
    assert (balance(bob, coffee), balance(bob, books)) == (0, 20)
    assert import_job_notes(job) == [
        "1 purchase booked in Book Friends, earning 20 points",
        "1 purchase booked in Coffee Club, earning 150 points",
    ]


def test_the_program_option_books_the_whole_file_in_one_program(alice, bob, coffee, books):
    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n"
        + "R-2,purchase,,bob@example.com,2024-05-02,20000,KRW,,,\n",
        program="books",
    )

    assert job.status == ImportStatus.DONE, job.errors
    assert (balance(alice, books), balance(bob, books)) == (15, 20)
    assert not Account.objects.filter(program=coffee).exists()
    assert import_job_notes(job) == ["2 purchases booked in Book Friends, earning 35 points"]


def test_without_a_program_named_the_orders_brand_or_its_stores_brand_decides(alice, bob):
    cafe, shop = (
        Brand.objects.create(code="cafe", name="Cafe"),
        Brand.objects.create(code="shop", name="Shop"),
    )
    coffee = program_with_rule("coffee", "Coffee Club", brand=cafe)
    books = program_with_rule("books", "Book Friends", per="1000", brand=shop)
    Store.objects.create(
        code="station",
        name="Station",
        brand=cafe,
        channel=Channel.objects.create(code="store", name="Store", kind="store"),
    )

    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,shop,,\n"
        + "R-2,purchase,,bob@example.com,2024-05-02,20000,KRW,,station,\n"
    )

    assert job.status == ImportStatus.DONE, job.errors
    assert (balance(alice, books), balance(alice, coffee)) == (15, 0)
    assert (balance(bob, coffee), balance(bob, books)) == (200, 0)


def test_a_business_with_one_program_books_every_purchase_there(alice, bob, coffee):
    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n"
        + "R-2,purchase,,,2024-05-02,20000,KRW,,,\n"
    )

    assert balance(alice, coffee) == 150
    assert import_job_notes(job) == [
        "1 purchase booked in Coffee Club, earning 150 points",
        "1 order recorded without points: it names no customer",
    ]


def test_with_two_programs_and_no_brand_the_orders_are_recorded_without_points(alice, coffee, books):
    job = run_import(HEADER + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n")

    assert job.status == ImportStatus.DONE
    assert Order.objects.filter(external_id="R-1", member=alice).exists()
    assert not OrderPoints.objects.exists()
    assert import_job_notes(job) == [
        "1 order recorded without points: no program (name one in a program column or the program option)"
    ]


def test_importing_the_same_file_again_earns_nothing_more(alice, coffee):
    text = HEADER + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n"
    run_import(text)

    again = run_import(text)

    assert again.status == ImportStatus.DONE
    assert balance(alice, coffee) == 150
    assert OrderPoints.objects.count() == 1
    assert import_job_notes(again) == ["1 order was booked in Coffee Club before: it earned nothing more"]


def test_returns_in_the_file_take_back_what_their_purchase_earned(alice, coffee):
    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n"
        + "R-2,return,R-1,,2024-05-03,5000,KRW,,,\n"
    )

    assert balance(alice, coffee) == 100
    assert import_job_notes(job) == [
        "1 purchase booked in Coffee Club, earning 150 points",
        "1 return booked in Coffee Club, taking back 50 points",
    ]
    again = run_import(HEADER + "R-2,return,R-1,,2024-05-03,5000,KRW,,,\n")
    assert balance(alice, coffee) == 100
    assert import_job_notes(again) == ["1 order was booked in Coffee Club before: it earned nothing more"]


def test_a_purchase_from_before_the_program_began_earns_only_when_the_import_says_historical(alice, coffee):
    Program.objects.filter(pk=coffee.pk).update(created_at=datetime(2024, 6, 1, tzinfo=UTC))
    text = HEADER + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n"

    first = run_import(text)

    assert Order.objects.filter(external_id="R-1").exists()  # in the customer file all the same
    assert balance(alice, coffee) == 0
    assert import_job_notes(first) == [
        "1 purchase recorded without points: dated before Coffee Club began "
        "(import the file as historical to credit it)"
    ]

    second = run_import(text, historical="yes")

    assert balance(alice, coffee) == 150
    assert import_job_notes(second) == ["1 purchase booked in Coffee Club, earning 150 points"]


def test_a_purchase_in_another_currency_than_the_programs_earns_nothing(alice, coffee):
    job = run_import(HEADER + "R-1,purchase,,alice@example.com,2024-05-01,100,USD,,,\n")

    assert balance(alice, coffee) == 0
    assert import_job_notes(job) == [
        "1 order recorded without points: not in KRW, the currency of Coffee Club"
    ]


def test_an_unknown_or_closed_program_rejects_the_file_naming_line_and_column(alice, coffee, books):
    Program.objects.filter(pk=books.pk).update(active=False)

    job = run_import(
        HEADER
        + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,coffee\n"
        + "R-2,purchase,,alice@example.com,2024-05-01,15000,KRW,,,tea\n"
        + "R-3,purchase,,alice@example.com,2024-05-01,15000,KRW,,,books\n"
    )

    assert job.status == ImportStatus.REJECTED
    errors, _more = import_job_errors(job)
    assert [(error["line"], error["field"], error["message"]) for error in errors] == [
        (3, "program", "no program has the code 'tea'"),
        (4, "program", "program 'books' is closed"),
    ]
    assert not Order.objects.exists()


def test_an_unknown_program_option_or_historical_value_rejects_the_file(alice, coffee):
    job = run_import(
        HEADER + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n",
        program="tea",
        historical="maybe",
    )

    errors, _more = import_job_errors(job)
    assert [(error["line"], error["field"], error["message"]) for error in errors] == [
        (1, "program", "no program has the code 'tea'"),
        (1, "historical", "'maybe' is not yes/no, true/false or 1/0"),
    ]


def test_when_booking_fails_neither_the_orders_nor_their_points_are_kept(alice, coffee, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(loyalty_imports, "recorded_purchases_book", broken)

    job = run_import(HEADER + "R-1,purchase,,alice@example.com,2024-05-01,15000,KRW,,,\n")

    assert job.status == ImportStatus.FAILED
    assert not Order.objects.exists()
    assert not Account.objects.exists()
