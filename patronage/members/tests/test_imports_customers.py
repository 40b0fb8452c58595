"""The customers file: checked first, all or nothing, idempotent, matched by identity."""

from __future__ import annotations

from datetime import date

import pytest

from patronage.members.imports import import_job_errors, import_job_run, import_job_start
from patronage.members.models import (
    ConsentEvent,
    Identity,
    ImportJob,
    ImportStatus,
    Member,
    TimelineEvent,
)

GOOD = """external_id,email,phone,card_number,name,birth_date,city,tags,consent_email_marketing
C-1,minji@example.com,010-1234-5678,KR-0001,Kim Minji,1990-04-01,Seoul,vip|seoul,yes
C-2,jun@example.com,,KR-0002,Park Jun,,Busan,,no
C-3,haruto@example.jp,+81 90 1234 5678,,Sato Haruto,1985-12-24,Osaka,,
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(
    text: str | bytes, *, kind: str = "customers", encoding: str = "utf-8", **options: str
) -> ImportJob:
    content = text if isinstance(text, bytes) else text.encode(encoding)
    job = import_job_start(
        kind=kind, file_name="customers.csv", content=content, actor=None, options=options, enqueue=None
    )
    return import_job_run(job_id=job.pk)


def totals() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        Identity.objects.count(),
        TimelineEvent.objects.count(),
        ConsentEvent.objects.count(),
    )


def test_a_good_file_creates_members_with_identities_consents_and_a_joined_event(db):
    job = run_import(GOOD)

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    minji = Member.objects.get(identities__value="minji@example.com")
    assert minji.name == "Kim Minji"
    assert minji.name_key == "kimminji"
    assert " kim minji " in minji.name_latin  # what Member.save() would have written
    assert minji.birth_date == date(1990, 4, 1)
    assert set(minji.identities.values_list("kind", "value")) == {
        ("external", "C-1"),
        ("email", "minji@example.com"),
        ("phone", "+821012345678"),
        ("card", "KR-0001"),
    }
    assert sorted(minji.tags.values_list("name", flat=True)) == ["seoul", "vip"]
    assert minji.consents.get(purpose="email_marketing").granted is True
    assert minji.consent_events.get().method == "import"
    assert minji.timeline.filter(kind="joined").count() == 1
    assert not Member.objects.get(identities__value="haruto@example.jp").consents.exists()


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_line(db):
    bad = GOOD + "C-4,not-an-email,,,Lee Bad,,Incheon,,\n"

    job = run_import(bad)

    assert job.status == ImportStatus.REJECTED
    errors, more = import_job_errors(job)
    assert more == 0
    assert [(error["line"], error["field"]) for error in errors] == [(5, "email")]
    assert "not-an-email" in str(errors[0]["message"])
    assert totals() == (0, 0, 0, 0)


def test_a_bad_row_on_line_4_is_reported_as_line_4(db):
    lines = GOOD.splitlines()
    lines[3] = lines[3].replace("haruto@example.jp", "haruto@@example")

    job = run_import("\n".join(lines) + "\n")

    errors, _more = import_job_errors(job)
    assert errors == [
        {"line": 4, "field": "email", "message": "'haruto@@example' is not a valid e-mail address"}
    ]
    assert Member.objects.count() == 0


def test_every_bad_row_is_reported_not_only_the_first(db):
    bad = GOOD + "C-4,x@example.com,,,,2999-01-01,,,\nC-5,,,,,,,,maybe\n,,,,Nobody,,,,\n"

    errors, _more = import_job_errors(run_import(bad))

    assert [(e["line"], e["field"]) for e in errors] == [
        (5, "birth_date"),
        (6, "consent_email_marketing"),
        (7, ""),
    ]


def test_a_row_with_three_bad_cells_reports_all_three(db):
    bad = GOOD + "C-4,not-an-email,12,,Lee Bad,2090-01-01,Incheon,,maybe\n"

    errors, _more = import_job_errors(run_import(bad))

    assert [(e["line"], e["field"]) for e in errors] == [
        (5, "email"),
        (5, "phone"),
        (5, "birth_date"),
        (5, "consent_email_marketing"),
    ]


def test_importing_the_same_file_twice_changes_nothing(db):
    run_import(GOOD)
    before = totals()

    second = run_import(GOOD)

    assert second.status == ImportStatus.DONE
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 3)
    assert totals() == before


@pytest.mark.parametrize(
    ("column", "value"),
    [("email", "alice@example.com"), ("card_number", "card-0001"), ("external_id", "POS-77")],
)
def test_a_row_matching_an_existing_member_updates_it(alice, column, value):
    if column == "external_id":
        Identity.objects.create(member=alice, kind="external", value="POS-77")
    members_before = Member.objects.count()

    job = run_import(f"{column},city,phone\n{value},Incheon,010-9999-0000\n")

    assert (job.created_count, job.updated_count) == (0, 1)
    assert Member.objects.count() == members_before
    alice.refresh_from_db()
    assert alice.city == "Incheon"
    assert alice.identities.filter(kind="phone", value="+821099990000", is_primary=True).exists()
    assert alice.timeline.filter(kind="profile_changed").get().data["fields"] == ["city", "phone"]


def test_empty_cells_do_not_erase_existing_data(alice):
    job = run_import("email,name,city,birth_date\nalice@example.com,,,\n")

    assert job.unchanged_count == 1
    alice.refresh_from_db()
    assert (alice.name, alice.city) == ("Alice Kim", "Seoul")


def test_consent_is_recorded_only_when_it_differs(alice):
    run_import("email,consent_email_marketing,consent_sms_marketing\nalice@example.com,yes,\n")
    assert alice.consent_events.count() == 1  # the portal sign-up's grant; "yes" repeats it

    job = run_import("email,consent_email_marketing\nalice@example.com,no\n")

    assert job.updated_count == 1
    assert alice.consents.get(purpose="email_marketing").granted is False
    assert alice.consent_events.filter(method="import", granted=False).count() == 1


def test_identities_of_two_different_members_in_one_row_are_an_error(alice, bob):
    job = run_import("email,card_number,name\nalice@example.com,CARD-0002,Alice\n")

    errors, _more = import_job_errors(job)
    assert errors == [
        {
            "line": 2,
            "field": "card_number",
            "message": f"email belongs to #{alice.pk} but card_number to #{bob.pk}",
        }
    ]
    assert alice.identities.count() == 2


def test_two_rows_claiming_one_identity_are_an_error_on_the_later_line(db):
    job = run_import("email,name\nsame@example.com,One\nother@example.com,Two\nSAME@example.com,Three\n")

    errors, _more = import_job_errors(job)
    assert errors == [
        {"line": 4, "field": "email", "message": "email 'same@example.com' is already on line 2"}
    ]


def test_two_rows_leading_to_one_member_are_an_error_on_the_later_line(alice):
    job = run_import("email,card_number\nalice@example.com,\n,CARD-0001\n")

    errors, _more = import_job_errors(job)
    assert [(e["line"], e["message"]) for e in errors] == [(3, f"customer #{alice.pk} is already on line 2")]


def test_korean_names_in_cp949_import_correctly(db):
    text = "customer_id,email,name,city\nK-1,minji@example.com,김민지,서울\n"

    job = run_import(text, encoding="cp949")

    assert job.status == ImportStatus.DONE
    assert Member.objects.get().name == "김민지"
    assert Member.objects.get().city == "서울"


def test_japanese_names_in_shift_jis_import_correctly(db):
    job = run_import("customer_id,email,name\nJ-1,haruto@example.jp,佐藤はると\n", encoding="cp932")

    assert job.status == ImportStatus.DONE
    assert Member.objects.get().name == "佐藤はると"


def test_utf8_with_a_byte_order_mark_and_semicolons(db):
    text = "\ufeffE-Mail;Mobile;First Name;Last Name;Loyalty Card\nmia@example.com;+82 10 5555 1234;Mia;Choi;kr 0009\n"

    job = run_import(text)

    member = Member.objects.get()
    assert job.status == ImportStatus.DONE
    assert member.name == "Mia Choi"
    assert set(member.identities.values_list("value", flat=True)) == {
        "mia@example.com",
        "+821055551234",
        "KR0009",
    }


def test_external_ids_live_in_the_namespace_given(db):
    run_import("customer_id,name\n42,Shop customer\n", namespace="shop")
    run_import("customer_id,name\n42,Store customer\n", namespace="pos")

    external = Identity.objects.filter(kind="external")
    assert set(external.values_list("namespace", "value")) == {("shop", "42"), ("pos", "42")}


def test_a_header_without_any_identity_column_is_rejected(db):
    errors, _more = import_job_errors(run_import("name,city\nKim,Seoul\n"))

    assert errors[0]["line"] == 1
    assert "external_id" in str(errors[0]["message"])


def test_only_the_first_thousand_errors_are_kept_and_the_rest_counted(db):
    rows = "".join(f"bad-{n}\n" for n in range(1_200))

    job = run_import("email\n" + rows)

    errors, more = import_job_errors(job)
    assert (len(errors), more) == (1_000, 200)


@pytest.mark.parametrize(
    ("column", "value"),
    [("joined_at", "0001-01-01T00:00:00+09:00"), ("joined_at", "9999-12-31"), ("birth_date", "0001-01-01")],
)
def test_a_date_that_cannot_be_shown_rejects_the_file_naming_line_and_column(db, column, value):
    job = run_import(f"external_id,email,{column}\nC-1,minji@example.com,{value}\n")

    assert job.status == ImportStatus.REJECTED
    errors, _more = import_job_errors(job)
    assert [(error["line"], error["field"]) for error in errors] == [(2, column)]
    assert "between 1900-01-01" in str(errors[0]["message"])
    assert totals() == (0, 0, 0, 0)


def test_text_that_cannot_be_stored_rejects_the_file_naming_the_column(db):
    job = run_import("external_id,email,name\nC-1,minji@example.com,Kim\x00Minji\n")

    assert job.status == ImportStatus.REJECTED
    errors, _more = import_job_errors(job)
    assert [(error["line"], error["field"]) for error in errors] == [(2, "name")]
    assert totals() == (0, 0, 0, 0)


def test_a_cell_of_megabytes_rejects_the_file_naming_its_line_instead_of_failing(db):
    huge = "x" * (20 * 1024 * 1024)
    job = run_import(f"external_id,email,name\nC-1,minji@example.com,Kim\nC-2,jun@example.com,{huge}\n")

    assert job.status == ImportStatus.REJECTED
    errors, _more = import_job_errors(job)
    assert [error["line"] for error in errors] == [3]
    assert "longer than 128 KiB" in str(errors[0]["message"])
    assert totals() == (0, 0, 0, 0)
