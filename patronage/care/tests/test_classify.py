"""Classifying a case: the agent says why it happened and what it is about; a retired root cause, too many
or too long tags and unknown ids are refused naming the field, and change nothing."""

from __future__ import annotations

import pytest

from patronage.care.classify import case_classify, tags_normalised
from patronage.care.models import Case, CaseEntry, Category, EntryKind, RootCause, Severity
from patronage.care.services import CaseInput, case_open
from patronage.commerce.models import Product
from patronage.core.errors import NotFound, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(alice: Member) -> Case:
    return case_open(
        data=CaseInput(type="complaint", channel="phone", summary="The lid cracked", member=alice)
    ).case


@pytest.fixture
def supplier(db: None) -> RootCause:
    return RootCause.objects.create(name="Supplier defect", name_translations={"ko": "공급사 불량"})


def _classify(case: Case, actor: User | None = None, **fields: object) -> Case:
    wanted: dict[str, object] = {
        "category": None,
        "root_cause": None,
        "severity": Severity.MINOR,
        "product": None,
        "tags": [],
        **fields,
    }
    return case_classify(case=case, actor=actor, **wanted)  # type: ignore[arg-type]


def test_the_agent_names_the_root_cause_and_what_the_case_is_about(case, supplier, agent):
    kettle = Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    breakage = Category.objects.create(name="Breakage")
    _classify(
        case,
        agent,
        category=breakage.pk,
        root_cause=supplier.pk,
        severity=Severity.MAJOR,
        product=kettle.pk,
        tags=["  Lid ", "lid", "February   batch"],
    )
    case.refresh_from_db()
    assert (case.category, case.root_cause, case.severity, case.product) == (
        breakage,
        supplier,
        Severity.MAJOR,
        kettle,
    )
    assert case.tags == ["lid", "february batch"]
    entry = CaseEntry.objects.get(case=case, kind=EntryKind.CLASSIFIED)
    assert entry.actor == agent
    assert entry.data["changed"]["root_cause"] == [None, supplier.pk]
    event = OutboxEvent.objects.filter(topic="case.updated").latest("pk")
    assert event.payload["change"]["severity"] == ["minor", "major"]


def test_classifying_it_the_same_way_again_records_nothing(case, supplier):
    _classify(case, root_cause=supplier.pk)
    _classify(case, root_cause=supplier.pk)
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.CLASSIFIED).count() == 1


def test_a_root_cause_no_longer_in_use_is_refused(case):
    retired = RootCause.objects.create(name="Old warehouse", active=False)
    with pytest.raises(ValidationFailed) as refused:
        _classify(case, root_cause=retired.pk, severity=Severity.CRITICAL)
    assert refused.value.errors[0]["field"] == "root_cause"
    case.refresh_from_db()
    assert (case.root_cause, case.severity) == (None, Severity.MINOR)
    assert not CaseEntry.objects.filter(case=case, kind=EntryKind.CLASSIFIED).exists()


@pytest.mark.parametrize("field", ["category", "root_cause", "product"])
def test_an_unknown_id_is_not_found_naming_its_field(case, field):
    with pytest.raises(NotFound) as refused:
        _classify(case, **{field: 999_999})
    assert refused.value.errors[0]["field"] == field


def test_a_severity_that_is_not_one_is_refused(case):
    with pytest.raises(ValidationFailed) as refused:
        _classify(case, severity="apocalyptic")
    assert refused.value.errors[0]["field"] == "severity"


def test_tags_are_bounded_in_number_and_length():
    assert tags_normalised([f"tag {n}" for n in range(10)]) == [f"tag {n}" for n in range(10)]
    with pytest.raises(ValidationFailed, match="at most 10 tags"):
        tags_normalised([f"tag {n}" for n in range(11)])
    with pytest.raises(ValidationFailed, match="at most 40 characters"):
        tags_normalised(["x" * 41])
    # Measured as written: a word that lengthens in lower case still fits.
    assert tags_normalised(["İ" * 40]) == ["i̇" * 40]


def test_a_case_keeps_a_root_cause_retired_since_it_was_classified(case, supplier):
    _classify(case, root_cause=supplier.pk)
    RootCause.objects.filter(pk=supplier.pk).update(active=False)
    _classify(case, root_cause=supplier.pk, severity=Severity.MAJOR)
    case.refresh_from_db()
    assert (case.root_cause, case.severity) == (supplier, Severity.MAJOR)
