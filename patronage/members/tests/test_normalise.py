import pytest
from hypothesis import given
from hypothesis import strategies as st

from patronage.core.errors import ValidationFailed
from patronage.members import normalise


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("  Alice@Example.COM ", "alice@example.com"), ("\uff42\uff4f\uff42@example.jp", "bob@example.jp")],
)
def test_emails_are_stored_lower_case_and_trimmed(raw, stored):
    assert normalise.email(raw) == stored


@pytest.mark.parametrize("raw", ["", "alice", "alice@", "a@b", "two@@example.com", "sp ace@example.com"])
def test_invalid_emails_are_refused_naming_the_field(raw):
    with pytest.raises(ValidationFailed) as error:
        normalise.email(raw)
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("010-1234-5678", "+821012345678"),
        ("(010) 1234.5678", "+821012345678"),
        ("\uff10\uff11\uff10-1234-5678", "+821012345678"),
        ("+82 10 1234 5678", "+821012345678"),
        ("0082 10-1234-5678", "+821012345678"),
        ("02-123-4567", "+8221234567"),
        ("+81 90-1234-5678", "+819012345678"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_phone_numbers_are_stored_in_e164_read_in_the_business_region(raw, stored):
    assert normalise.phone(raw) == stored


def test_a_number_without_its_country_is_read_in_the_region_given_or_set(settings):
    assert normalise.phone("090-1234-5678", region="JP") == "+819012345678"
    settings.PATRONAGE_DEFAULT_REGION = "jp"
    assert normalise.phone("090-1234-5678") == "+819012345678"


@pytest.mark.parametrize(
    ("raw", "stored"), [("1234567890123456", "1234567890123456"), ("+999 1234 5678", "+99912345678")]
)
def test_a_number_that_cannot_be_one_keeps_its_digits(raw, stored):
    assert normalise.phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "1" * 17, "12+345678", "phone"])
def test_implausible_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed):
        normalise.phone(raw)


def test_card_numbers_are_upper_case_without_spaces():
    assert normalise.card(" card 0001 ") == "CARD0001"


def test_spellings_of_one_name_share_a_key():
    assert normalise.name_key("Kim  Min-jun") == normalise.name_key("kim minjun") == "kimminjun"
    assert normalise.name_key("김민준") == normalise.name_key("김 민준")
    assert normalise.name_key("José") == normalise.name_key("jose")


def test_mailbox_keys_ignore_tags_and_gmail_dots():
    assert normalise.email_key("min.jun+shop@gmail.com") == normalise.email_key("minjun@googlemail.com")
    assert normalise.email_key("a.b@example.com") != normalise.email_key("ab@example.com")


@given(st.emails())
def test_every_valid_email_normalises_to_a_fixed_point(address):
    once = normalise.email(address)
    assert normalise.email(once) == once
