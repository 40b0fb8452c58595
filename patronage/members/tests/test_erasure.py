"""Erasure that erases: the registry covers every table, and after an erasure no value planted in any
field or free-text box is left anywhere in the database or the media folder."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from patronage.analytics.extract import CUSTOMER
from patronage.analytics.models import AnalysisRun, CustomerScore
from patronage.commerce.models import Order, OrderProblem
from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.models import AccountKind, AuditEntry, User
from patronage.core.outbox import outbox_publish
from patronage.loyalty.models import Account, LedgerEntry, Program
from patronage.loyalty.services import (
    account_open,
    benefit_grant,
    benefit_save,
    benefit_use,
    points_adjust,
    points_redeem,
    redemption_cancel,
    tier_floor_set,
    tier_save,
)
from patronage.members.erasure import PersonalTable, Scrub, clean_tables, personal_tables
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.models import ImportJob, ImportStatus, Member, MemberStatus, Note, Tag
from patronage.members.services import (
    IdentityInput,
    consent_set,
    identity_add,
    member_create,
    member_erase,
    member_export,
    member_merge,
    member_tags_set,
    note_add,
    timeline_record,
)
from patronage.members.uploads import uploads_folder

# Every value planted, each distinctive enough that finding it anywhere afterwards is a leak.
NAME = "Zyxwvut Qrstuvw"
EMAIL = "zyxwvut.q@quokka-mail.example"
PHONE = "010-7319-2846"
CARD = "ZQ-4417-9902"
EXTERNAL_ID = "ZQX-88231"
ADDRESS = "77 Quokka-ro 12-gil"
CITY = "Wombatville"
POSTAL_CODE = "QX4 7ZW"
BIRTH_DATE = date(1987, 6, 23)
PREFERENCE = "plum-velvet-cardigan"
NOTE = "prefers calls after six, ask for Mr Zyxwvut"
EVIDENCE = "paper form 88-ZQ signed by Zyxwvut Qrstuvw"
OLD_NAME = "Zyxwvut Q. Qrstuvw"  # the duplicate file merged into the member
OLD_EMAIL = "zq.old@quokka-mail.example"
OLD_PHONE = "010-5550-1987"


def _leaks() -> list[str]:
    """What must be found nowhere after the erasure, lower-cased."""
    values = [NAME, *NAME.split(), EMAIL, EMAIL.split("@")[0], PHONE, PHONE.replace("-", ""), CARD]
    values += [EXTERNAL_ID, ADDRESS, CITY, POSTAL_CODE, BIRTH_DATE.isoformat(), PREFERENCE, "88-ZQ"]
    values += [OLD_NAME, OLD_EMAIL, OLD_EMAIL.split("@")[0], OLD_PHONE, OLD_PHONE.replace("-", "")]
    return [value.lower() for value in values]


# The registry


_CAN_HOLD_DATA = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.DateField,
    models.FileField,
    models.GenericIPAddressField,
)


def _fields_that_can_hold_data(model: type[models.Model]) -> set[str]:
    """Text, JSON, file and date fields (a date-time is when something happened, not about whom)."""
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, _CAN_HOLD_DATA)
        and not isinstance(field, models.DateTimeField)
        and not field.primary_key
    }


def _unlisted(
    models_: Iterable[type[models.Model]], tables: list[PersonalTable], clean: dict[str, str]
) -> list[str]:
    """Each model, or field of a scrubbed model, that can hold data and that erasure does not know about."""
    problems = []
    for model in models_:
        if model._meta.proxy or not model._meta.managed:
            continue
        label, fields = model._meta.label, _fields_that_can_hold_data(model)
        entries = [table for table in tables if table.model == label]
        if label in clean:
            if entries:
                problems.append(f"{label}: both registered and declared clean")
            continue
        if not fields:
            continue
        if not entries:
            problems.append(f"{label}: not in the erasure registry nor declared clean ({sorted(fields)})")
        for table in entries:
            if table.delete:
                continue
            if missing := fields - set(table.fields):
                problems.append(f"{label}: fields not in the registry: {sorted(missing)}")
            if unknown := set(table.fields) - fields:
                problems.append(f"{label}: the registry names fields it does not have: {sorted(unknown)}")
    return problems


def test_every_table_that_can_hold_a_persons_data_is_in_the_registry_or_declared_clean():
    problems = _unlisted(apps.get_models(), personal_tables(), clean_tables())

    assert problems == [], "\n".join(problems)


def test_a_new_table_or_field_that_nobody_listed_fails_the_check():
    from patronage.members.models import Note

    notes = [table for table in personal_tables() if table.model == "members.Note"]
    forgot_a_field = PersonalTable("members.Note", rows=notes[0].rows, fields={"body": Scrub.DELETE})

    assert _unlisted([Note], [], {}) == [
        "members.Note: not in the erasure registry nor declared clean (['body'])"
    ]
    assert _unlisted([Member], [forgot_a_field], {}) == [
        "members.Member: not in the erasure registry nor declared clean "
        f"({sorted(_fields_that_can_hold_data(Member))})"
    ]
    assert _unlisted([Note], [forgot_a_field], {}) == []
    assert _unlisted([Note], [forgot_a_field], {"members.Note": "no"}) == [
        "members.Note: both registered and declared clean"
    ]


def test_analyses_name_customers_by_the_key_the_registry_drops_records_by():
    assert CUSTOMER == "member"


# Planting


def _plant_member(admin: User) -> Member:
    user = User.objects.create_user(
        username=EMAIL, email=EMAIL, password="pw-zq-1", first_name="Zyxwvut", last_name="Qrstuvw"
    )
    member = member_create(
        actor=admin,
        identities=[
            IdentityInput("email", EMAIL),
            IdentityInput("card", CARD),
            IdentityInput("phone", PHONE),
        ],
        profile={
            "name": NAME,
            "address": ADDRESS,
            "city": CITY,
            "postal_code": POSTAL_CODE,
            "birth_date": BIRTH_DATE,
            "preferences": {"favourite": PREFERENCE},
        },
        consents={"email_marketing": True},
        user=user,
    )
    identity_add(member=member, actor=admin, kind="external", value=EXTERNAL_ID, namespace="pos")
    consent_set(
        member=member, actor=admin, purpose="sms_marketing", granted=True, method="paper", evidence=EVIDENCE
    )
    note_add(member=member, actor=admin, body=NOTE)
    member_tags_set(member=member, actor=admin, names=["vip", "zyxwvut-fan"])
    timeline_record(
        member=member,
        kind="joined",
        summary=f"walked in with {NAME}, {PHONE}",
        data={"contact": EMAIL, "card": CARD},
        dedupe_key=f"walk-in:{EMAIL}",
    )
    member_export(member=member, actor=admin)
    return member


def _plant_duplicate(admin: User, member: Member) -> None:
    """An older file of the same person, with its own login, merged into the member."""
    user = User.objects.create_user(username=OLD_EMAIL, email=OLD_EMAIL, password="pw-zq-2")
    old = member_create(
        actor=admin,
        identities=[IdentityInput("email", OLD_EMAIL), IdentityInput("phone", OLD_PHONE)],
        profile={"name": OLD_NAME, "birth_date": BIRTH_DATE, "address": ADDRESS},
        user=user,
    )
    member_merge(survivor=member, duplicate=old, actor=admin)


def _plant_loyalty(admin: User, member: Member) -> Program:
    program = Program.objects.create(code="quokka", name="Quokka Club", currency="KRW")
    gold = tier_save(program=program, code="gold", name="Gold", rank=1, threshold=Decimal("100"), actor=admin)
    account = account_open(program=program, member=member)
    points_adjust(
        account=account,
        points=500,
        reason=f"goodwill for {NAME}, {PHONE}",
        idempotency_key=f"goodwill-{EMAIL}",
        actor=admin,
    )
    redemption = points_redeem(
        account=account,
        points=100,
        idempotency_key="zq-redeem-1",
        actor=admin,
        details={"deliver_to": f"{NAME}, {ADDRESS} {POSTAL_CODE}", "call": PHONE},
    )
    redemption_cancel(redemption=redemption, actor=admin, reason=f"{NAME} changed their mind")
    benefit = benefit_save(program=program, code="lounge", name="Lounge", kind="custom", actor=admin)
    grant = benefit_grant(
        account=account,
        benefit=benefit,
        quantity=2,
        valid_days=30,
        reason=f"birthday {BIRTH_DATE:%d/%m/%Y} for Qrstuvw",
        idempotency_key="zq-grant-1",
        actor=admin,
    )
    benefit_use(
        grant=grant, note=f"handed to {NAME} at the desk, card {CARD}", idempotency_key="zq-use", actor=admin
    )
    tier_floor_set(account=account, tier=gold, actor=admin, reason=f"VIP by hand: {NAME}")
    return program


def _plant_commerce(member: Member) -> None:
    order = Order.objects.create(
        member=member,
        source="shop",
        external_id=f"web-{EXTERNAL_ID}",
        occurred_at=clock.now(),
        currency="KRW",
        amount=Decimal("42000"),
        promotion_code="ZYXWVUT10",
    )
    OrderProblem.objects.create(
        order=order,
        kind="delay",
        detected_at=clock.now(),
        description=f"{NAME} called from {PHONE} about the delay",
    )


def _plant_imports(admin: User) -> None:
    """A finished import whose file is still on disk (as before files were deleted), a rejected one whose
    report quotes the person, and a failed one kept to be run again."""
    done = import_job_start(
        kind="customers", file_name="zq.csv", content=f"email,name\n{EMAIL},{NAME}\n".encode(), actor=admin,
        enqueue=None,
    )  # fmt: skip
    assert import_job_run(job_id=done.pk).status == ImportStatus.DONE
    rejected = import_job_start(
        kind="customers", file_name=f"{EMAIL}.csv", content=f"email,phone\n{EMAIL},12\n".encode(), actor=admin,
        enqueue=None,
    )  # fmt: skip
    assert import_job_run(job_id=rejected.pk).status == ImportStatus.REJECTED
    ImportJob.objects.filter(pk=rejected.pk).update(
        errors=[{"line": 2, "field": "phone", "message": f"row of {EMAIL}: phone '12' is too short"}]
    )
    failed = import_job_start(
        kind="customers", file_name="failed.csv", content=f"email\n{OLD_EMAIL}\n".encode(), actor=admin,
        enqueue=None,
    )  # fmt: skip
    ImportJob.objects.filter(pk=failed.pk).update(status=ImportStatus.FAILED, finished_at=clock.now())


def _plant_everywhere_else(admin: User, member: Member, bob: Member) -> AnalysisRun:
    if apps.is_installed("axes"):  # a failed portal login, as login throttling records it
        from django.test import Client
        from django.urls import reverse

        Client(REMOTE_ADDR="203.0.113.9").post(reverse("portal:login"), {"username": EMAIL, "password": "no"})
        assert apps.get_model("axes", "AccessAttempt").objects.filter(username=EMAIL).exists()
    outbox_publish(topic="test.member", payload={"member": member.pk, "name": NAME}, key=f"test:{EMAIL}")
    audit_record(actor=admin, action="test.mention", detail={"about": EMAIL, "call": PHONE.replace("-", "")})
    run = AnalysisRun.objects.create(
        kind="clv",
        status="done",
        window_end=clock.now(),
        created_at=clock.now(),
        result={"customers": 2, "top": [{"member": member.pk, "clv": 9.5}, {"member": bob.pk, "clv": 1.5}]},
    )
    CustomerScore.objects.create(run=run, member=member, clv=9.5, churn_reasons=["recency"])
    CustomerScore.objects.create(run=run, member=bob, clv=1.5)
    return run


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planted(admin, bob) -> Member:
    member = _plant_member(admin)
    _plant_duplicate(admin, member)
    _plant_loyalty(admin, member)
    _plant_commerce(member)
    _plant_imports(admin)
    _plant_everywhere_else(admin, member, bob)
    return member


# The dump


def _database_dump() -> dict[str, list[str]]:
    """Every row of every table, as lower-cased text, by table."""
    dump: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = [" | ".join(_as_text(value) for value in row).lower() for row in cursor.fetchall()]
    return dump


def _as_text(value: Any) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _media_dump(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_bytes().decode("utf-8", "replace").lower()
        for path in root.rglob("*")
        if path.is_file()
    }


def _found(dump: dict[str, list[str]] | dict[str, str]) -> list[str]:
    found = []
    for where, rows in dump.items():
        for row in [rows] if isinstance(rows, str) else rows:
            found += [f"{where}: {value!r} in {row[:200]!r}" for value in _leaks() if value in row]
    return found


def test_after_an_erasure_no_planted_value_is_left_in_any_table_or_file(
    planted, admin, settings, django_capture_on_commit_callbacks
):
    media = Path(settings.MEDIA_ROOT)
    assert _found(_database_dump()), (
        "the planting must be found before the erasure, or the dump proves nothing"
    )
    assert _found(_media_dump(media))

    with django_capture_on_commit_callbacks(execute=True):
        member_erase(member=planted, actor=admin, reason=f"request from {NAME} <{EMAIL}>")

    assert _found(_database_dump()) == []
    assert _found(_media_dump(media)) == []


def test_what_counts_stays_after_the_erasure(planted, admin, bob, django_capture_on_commit_callbacks):
    entries_before = LedgerEntry.objects.count()
    account = Account.objects.get(member=planted)
    balance = (account.active, account.pending)

    with django_capture_on_commit_callbacks(execute=True):
        member_erase(member=planted, actor=admin, reason="DSR-17")

    planted.refresh_from_db()
    assert planted.status == MemberStatus.ERASED
    assert LedgerEntry.objects.count() == entries_before
    account.refresh_from_db()
    assert (account.active, account.pending) == balance
    assert Order.objects.get(member=planted).amount == Decimal("42000")
    assert LedgerEntry.objects.get(kind="adjust").reason == "goodwill for [erased], [erased]"
    assert Tag.objects.filter(name="vip").exists()  # a shared tag stays; the one naming the person went
    assert not Tag.objects.filter(name="zyxwvut-fan").exists()
    assert not CustomerScore.objects.filter(member=planted).exists()
    run = AnalysisRun.objects.get()
    assert [record["member"] for record in run.result["top"]] == [bob.pk]
    assert run.result["customers"] == 2
    assert CustomerScore.objects.filter(member=bob).exists()


def test_the_audit_log_keeps_who_did_what_to_erased_member_n(planted, admin):
    member_erase(member=planted, actor=admin, reason=f"request from {NAME} ref DSR-9")

    erased = AuditEntry.objects.get(action="member.erased")
    assert (erased.actor, erased.target_type, erased.target_id) == (admin, "members.member", str(planted.pk))
    assert erased.detail == {"reason": "request from [erased] ref DSR-9"}
    adjusted = AuditEntry.objects.get(action="points.adjusted")
    assert adjusted.actor == admin
    assert adjusted.detail["reason"] == "goodwill for [erased], [erased]"
    assert adjusted.detail["points"] == 500
    assert AuditEntry.objects.filter(action="member.created", target_id=str(planted.pk)).exists()


def test_another_customers_records_keep_a_name_part_they_share(admin, bob):
    alice_kim = member_create(
        actor=admin, identities=[IdentityInput("email", "ak@example.com")], profile={"name": "Alice Kim"}
    )
    bob_kim = member_create(
        actor=admin, identities=[IdentityInput("email", "bk@example.com")], profile={"name": "Bob Kim"}
    )
    note_add(member=alice_kim, actor=admin, body="Kim family")
    audit_record(actor=admin, action="test.about_bob", target=bob_kim, note="Mr Kim called; not Alice Kim")

    member_erase(member=alice_kim, actor=admin, reason="request")

    entry = AuditEntry.objects.get(action="test.about_bob")
    assert entry.detail["note"] == "Mr Kim called; not [erased]"
    assert Member.objects.get(pk=bob_kim.pk).name == "Bob Kim"
    assert not Note.objects.filter(member=alice_kim).exists()


def test_erasing_a_member_erases_the_files_merged_into_it_and_their_logins(admin):
    survivor = member_create(
        actor=admin, identities=[IdentityInput("email", "new@example.com")], profile={"name": "Mina Park"}
    )
    old_login = User.objects.create_user(username="old@example.com", email="old@example.com", password="x-1")
    new_login = User.objects.create_user(username="new@example.com", email="new@example.com", password="x-2")
    Member.objects.filter(pk=survivor.pk).update(user=new_login)
    duplicate = member_create(
        actor=admin,
        identities=[IdentityInput("email", "old@example.com")],
        profile={"name": "Mina P.", "address": "3 Old Road", "birth_date": date(1991, 2, 3)},
        user=old_login,
    )
    member_merge(survivor=survivor, duplicate=duplicate, actor=admin)
    assert User.objects.get(pk=old_login.pk).is_active is False  # the merge left it, deactivated

    member_erase(member=survivor, actor=admin, reason="request")

    duplicate.refresh_from_db()
    assert duplicate.status == MemberStatus.MERGED
    assert (duplicate.name, duplicate.address, duplicate.birth_date) == ("", "", None)
    assert not User.objects.filter(
        kind=AccountKind.MEMBER, username__in=["old@example.com", "new@example.com"]
    ).exists()


def test_erasure_deletes_every_import_file_but_those_of_running_imports(
    admin, django_capture_on_commit_callbacks
):
    member = member_create(actor=admin, identities=[IdentityInput("email", "gone@example.com")])
    done = import_job_start(
        kind="customers", file_name="a.csv", content=b"email\ngone@example.com\n", actor=admin, enqueue=None
    )
    import_job_run(job_id=done.pk)  # its own deletion waits for a commit that a test never makes
    failed = import_job_start(
        kind="customers", file_name="b.csv", content=b"email\nx@example.com\n", actor=admin, enqueue=None
    )
    ImportJob.objects.filter(pk=failed.pk).update(status=ImportStatus.FAILED, finished_at=clock.now())
    queued = import_job_start(
        kind="customers", file_name="c.csv", content=b"email\ny@example.com\n", actor=admin, enqueue=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        member_erase(member=member, actor=admin, reason="request")

    assert not Path(done.file_path).exists()
    assert not Path(failed.file_path).exists()
    assert Path(queued.file_path).exists()
    assert sorted(path.name for path in uploads_folder().iterdir()) == [Path(queued.file_path).name]


def test_erasing_twice_changes_nothing_the_second_time(planted, admin):
    member_erase(member=planted, actor=admin, reason="request")
    entries = AuditEntry.objects.count()

    member_erase(member=planted, actor=admin, reason="request again")

    assert AuditEntry.objects.count() == entries


def test_a_korean_name_quoted_about_another_record_is_found_however_the_database_stores_json(admin, bob):
    minji = member_create(
        actor=admin, identities=[IdentityInput("email", "mj@example.com")], profile={"name": "김민지"}
    )
    audit_record(actor=admin, action="test.about_bob", target=bob, note="김민지님이 대신 전화함")

    member_erase(member=minji, actor=admin, reason="요청")

    assert AuditEntry.objects.get(action="test.about_bob").detail == {"note": "[erased]님이 대신 전화함"}
