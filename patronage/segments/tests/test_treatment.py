"""A segment's treatment: the benefit and welcome each member entering gets, once per stay, and the bonus
points an earn rule of the "segment" kind gives its members."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import Benefit, BenefitGrant
from patronage.loyalty.services.points import account_open
from patronage.loyalty.services.programs import earn_rule_save
from patronage.members.models import Tag
from patronage.members.services import member_erase, member_merge, member_tags_set
from patronage.messages.models import Message
from patronage.segments.models import OfferExposure, SegmentTreatment
from patronage.segments.selectors import segment_treatment_counts
from patronage.segments.treatment_services import (
    TreatmentInput,
    segment_treatment_set,
    segment_treatments_give,
)
from patronage.segments.upkeep import segments_upkeep

VIP = {"field": "tags", "op": "contains", "value": "vip"}


@pytest.fixture(autouse=True)
def vip_tag(db: None) -> None:
    Tag.objects.create(name="vip")  # a tag rule names a tag that exists


@pytest.fixture
def lounge(program) -> Benefit:
    return Benefit.objects.create(program=program, code="lounge", name="Lounge evening", kind="event_seat")


def tagged(member, admin, *names: str) -> None:
    member_tags_set(member=member, actor=admin, names=list(names))
    segments_upkeep()


def welcome(lounge: Benefit | None = None) -> TreatmentInput:
    return TreatmentInput(
        benefit=lounge,
        welcome_subject="Welcome to the inner circle",
        welcome_body="You are one of our closest customers now.",
        welcome_subject_translations={"ko": "이너 서클에 오신 것을 환영합니다"},
    )


def test_a_member_entering_gets_the_benefit_and_the_welcome_once(alice, admin, program, lounge, segment_of):
    account_open(program=program, member=alice)
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(lounge), actor=admin)

    with time_machine.travel(clock.now() + timedelta(minutes=1)):
        tagged(alice, admin, "vip")
        assert segment_treatments_give() == 1
        assert segment_treatments_give() == 0  # run again: nothing twice

    [grant] = BenefitGrant.objects.filter(account__member=alice)
    assert (grant.benefit, grant.source, grant.reason) == (lounge, "segment:vips", "Vips")
    [message] = Message.objects.filter(member=alice, kind="campaign")
    assert "inner circle" in message.subject
    counts = segment_treatment_counts(segment=vips)
    assert (counts.entries, counts.benefits, counts.welcomes) == (1, 1, 1)


def test_those_already_in_when_it_was_set_get_nothing(alice, bob, admin, segment_of):
    member_tags_set(member=alice, actor=admin, names=["vip"])
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(), actor=admin)

    with time_machine.travel(clock.now() + timedelta(minutes=1)):
        tagged(bob, admin, "vip")
        segment_treatments_give()

    assert list(Message.objects.filter(kind="campaign").values_list("member", flat=True)) == [bob.pk]


def test_leaving_and_coming_back_is_a_new_stay_welcomed_again(alice, admin, segment_of):
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(), actor=admin)
    start = clock.now()
    for minutes, tags in ((1, ["vip"]), (2, []), (3, ["vip"])):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            tagged(alice, admin, *tags)
            segment_treatments_give()

    assert Message.objects.filter(member=alice, kind="campaign").count() == 2
    assert SegmentTreatment.objects.filter(member=alice).count() == 2


def test_a_member_outside_the_benefits_program_is_welcomed_without_it(alice, admin, lounge, segment_of):
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(lounge), actor=admin)
    with time_machine.travel(clock.now() + timedelta(minutes=1)):
        tagged(alice, admin, "vip")
        segment_treatments_give()

    assert not BenefitGrant.objects.exists()
    [treated] = SegmentTreatment.objects.all()
    assert (treated.benefit_granted, treated.welcomed) == (False, True)


def test_a_half_written_welcome_is_refused_naming_the_field(admin, segment_of):
    vips = segment_of("vips", VIP)
    with pytest.raises(ValidationFailed) as refused:
        segment_treatment_set(
            segment=vips, data=TreatmentInput(welcome_subject="Welcome", welcome_body=" "), actor=admin
        )
    assert refused.value.field == "welcome_body"
    vips.refresh_from_db()
    assert (vips.welcome_subject, vips.treatment_since) == ("", None)


def test_clearing_the_treatment_stops_it(alice, admin, segment_of):
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(), actor=admin)
    segment_treatment_set(segment=vips, data=TreatmentInput(), actor=admin)
    with time_machine.travel(clock.now() + timedelta(minutes=1)):
        tagged(alice, admin, "vip")
        assert segment_treatments_give() == 0
    assert not Message.objects.filter(kind="campaign").exists()


# --- bonus points: an earn rule of the segment kind ----------------------------------------------------------


def rules_for(program, segment_code: str) -> None:
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "1000"},
        actor=None,
    )
    earn_rule_save(
        program=program,
        code="vip-bonus",
        name="VIP bonus",
        kind="segment",
        params={"segment": segment_code, "bonus": 500},
        priority=200,
        actor=None,
    )


def test_a_segment_rule_gives_its_members_more_and_others_nothing(
    alice, bob, admin, program, buy, segment_of
):
    segment_of("vips", VIP)
    rules_for(program, "vips")
    tagged(alice, admin, "vip")

    assert buy(alice, "10000").points == 10 + 500
    assert buy(bob, "10000").points == 10


def test_a_rule_naming_no_live_segment_is_refused(program):
    with pytest.raises(ValidationFailed) as refused:
        rules_for(program, "nobody-here")
    assert refused.value.field == "segment"


def test_a_rule_with_a_bad_segment_code_is_refused_by_the_rule_check(program):
    with pytest.raises(ValidationFailed) as refused:
        earn_rule_save(
            program=program,
            code="bad",
            name="Bad",
            kind="segment",
            params={"segment": "Not A Code", "bonus": 5},
            actor=None,
        )
    assert refused.value.field == "segment"
    assert not program.earn_rules.filter(code="bad").exists()


# --- merge and erasure -------------------------------------------------------------------------------------


def test_merging_moves_the_offers_shown_once_a_day_and_erasing_drops_them_and_the_stays(
    alice, bob, admin, segment_of
):
    day = clock.now().date()
    for member in (alice, bob):
        OfferExposure.objects.create(member=member, kind="product", offer_id=7, day=day, shown_at=clock.now())
    OfferExposure.objects.create(member=bob, kind="product", offer_id=8, day=day, shown_at=clock.now())
    vips = segment_of("vips", VIP)
    segment_treatment_set(segment=vips, data=welcome(), actor=admin)
    with time_machine.travel(clock.now() + timedelta(minutes=1)):
        tagged(bob, admin, "vip")
        segment_treatments_give()

    member_merge(survivor=alice, duplicate=bob, actor=None)

    shown = sorted(OfferExposure.objects.values_list("member", "offer_id"))
    assert shown == [(alice.pk, 7), (alice.pk, 8)]  # the same offer the same day counts once
    assert not SegmentTreatment.objects.filter(member=bob).exists()

    member_erase(member=alice, actor=None, reason="request R-2")
    assert not OfferExposure.objects.exists()
