"""Card numbers the business issues to its members. Pure: no database.

A member who brings no card of the business's own is issued one when their file is opened: "P", twelve
random digits and a Luhn check digit (P4071936285516). The digits are drawn with `secrets`, not derived
from anything, because a card number is accepted as a key wherever a member is looked up (a till, the
API, the console search): a number made from the member id could be counted through, and a number next
to one's own would name a neighbour. Twelve digits keep a guess hopeless (a business with ten million
members holds one number in a hundred thousand), and the Luhn digit catches a mistyped digit or two
swapped neighbours before anything is looked up. The shape passes the card-number rules (4 to 40
letters, digits or dashes) and is two digits longer than the numbers once derived from member ids
(P, eight digits, check digit), so the two never meet.

Which number a member is shown, and how a number finds its member, is the customer file's rule
(members.selectors.member_identities): the primary card identity is shown; every stored one finds them.
"""

from __future__ import annotations

import re
import secrets

ISSUED_PREFIX = "P"
ISSUED_DIGITS = 12
_ISSUED = re.compile(rf"^{ISSUED_PREFIX}(\d{{{ISSUED_DIGITS}}})(\d)$")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits (the one payment cards use)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: every second digit from the right, starting next to the check digit
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def card_number_new() -> str:
    """A fresh random card number: P, twelve random digits and their Luhn check digit."""
    digits = f"{secrets.randbelow(10**ISSUED_DIGITS):0{ISSUED_DIGITS}d}"
    return f"{ISSUED_PREFIX}{digits}{luhn_digit(digits)}"


def card_numbers_new(count: int) -> list[str]:
    """`count` fresh random card numbers, no two alike (for writers that insert many members at once).

    They are not checked against the stored identities: a writer beside existing members draws again
    for those already taken (members.selectors.card_numbers_unused), and the unique constraint on
    identities has the last word.
    """
    numbers: dict[str, None] = {}
    while len(numbers) < count:
        numbers[card_number_new()] = None
    return list(numbers)


def card_number_is_issued(number: str) -> bool:
    """Whether a card number has the shape and check digit of one issued here (not a business's own card)."""
    match = _ISSUED.match(number)
    return match is not None and luhn_digit(match.group(1)) == match.group(2)
