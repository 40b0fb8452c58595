"""What the customer list's city and tag pickers offer: the values the files hold, each once, A to Z."""

from __future__ import annotations

from patronage.members.selectors import member_city_list, tag_name_list
from patronage.members.services import member_create, member_tags_set


def test_the_city_picker_offers_each_city_once_alphabetically_without_blanks(alice, bob):
    member_create(actor=None, identities=[], profile={"name": "Carol", "city": "Busan"})
    member_create(actor=None, identities=[], profile={"name": "Dan", "city": "Seoul"})
    member_create(actor=None, identities=[], profile={"name": "Eve"})
    assert member_city_list() == ["Busan", "Osaka", "Seoul"]


def test_the_tag_picker_offers_every_tag_alphabetically(admin, alice, bob):
    member_tags_set(member=alice, actor=admin, names=["vip", "Gangnam"])
    member_tags_set(member=bob, actor=admin, names=["vip"])
    assert tag_name_list() == ["gangnam", "vip"]
