"""How alike two customer files are: the signals the duplicate finder weighs. Pure: no database.

Two files of one person share what identifies a person (a mobile number, a mailbox) or what describes
them (a name, read across scripts and spellings, with a birth date or a home). Each signal adds points or
takes some away, and a pair is a candidate from CANDIDATE_SCORE on (docs/decisions/0019-duplicate-scoring.md):
- a mobile number or a mailbox, with a name that matches, is enough;
- a name with a birth date, or with an address, is enough, unless the name is a common one;
- a household's traits (an address, a landline, a postal code, a city) count once, the strongest, since a
  family shares them all: parents and children are not one person;
- names that share only one part (the family name), or nothing, count against, and so do birth dates that
  differ.
A weak signal alone (the same city, the same name in the same city, the same birth date) stays below.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers

from patronage.members import search_keys


class Signal(StrEnum):
    PHONE = "phone"
    LANDLINE = "landline"
    MAILBOX = "mailbox"
    NAME_SAME = "name_same"
    NAME_COMMON = "name_common"
    NAME_ACROSS_SCRIPTS = "name_across_scripts"
    NAME_REWRITTEN = "name_rewritten"
    NAME_SIMILAR = "name_similar"
    NAME_PART = "name_part"
    BIRTH_DATE = "birth_date"
    ADDRESS = "address"
    POSTAL_CODE = "postal_code"
    CITY = "city"
    NAME_ONE_PART = "name_one_part"
    NAME_DIFFERENT = "name_different"
    BIRTH_DATE_DIFFERENT = "birth_date_different"


POINTS: dict[Signal, int] = {
    Signal.PHONE: 45,
    Signal.MAILBOX: 45,
    Signal.NAME_SAME: 30,
    Signal.NAME_ACROSS_SCRIPTS: 30,
    Signal.NAME_REWRITTEN: 30,
    Signal.NAME_SIMILAR: 20,
    Signal.NAME_COMMON: 15,
    Signal.NAME_PART: 10,
    Signal.BIRTH_DATE: 30,
    Signal.ADDRESS: 25,
    Signal.LANDLINE: 15,
    Signal.POSTAL_CODE: 10,
    Signal.CITY: 5,
    Signal.NAME_ONE_PART: -30,
    Signal.NAME_DIFFERENT: -45,
    Signal.BIRTH_DATE_DIFFERENT: -25,
}
HOUSEHOLD = frozenset({Signal.ADDRESS, Signal.LANDLINE, Signal.POSTAL_CODE, Signal.CITY})
CANDIDATE_SCORE = 55
# A name is common when at least this many files, and this share of all files, carry it.
COMMON_NAME_FILES = 5
COMMON_NAME_SHARE = 0.001


@dataclass(frozen=True)
class Profile:
    """What the score reads of one file."""

    member_id: int
    name: str
    name_key: str
    birth_date: date | None
    address_key: str
    postal_code: str
    city_key: str
    common_name: bool


@dataclass(frozen=True)
class Shared:
    """What two files were found to share: phone numbers, and the addresses that reach one mailbox."""

    phones: tuple[str, ...] = ()  # E.164 (or digits, for a number that is not a possible one)
    mailboxes: tuple[tuple[str, str], ...] = ()  # (the first file's address, the second's)


@dataclass(frozen=True)
class Finding:
    """One signal about a pair, with the values it is about as written on the files (names, a number)."""

    signal: Signal
    detail: tuple[str, ...] = ()

    @property
    def against(self) -> bool:
        return POINTS[self.signal] < 0


def pair_findings(first: Profile, second: Profile, shared: Shared) -> list[Finding]:
    """Every signal about two files, strongest first."""
    findings = [*_identifiers(shared), *_names(first, second), *_birth_dates(first, second)]
    findings += _household(first, second, shared)
    return sorted(findings, key=lambda finding: -POINTS[finding.signal])


def pair_score(findings: Sequence[Finding]) -> int:
    """The points of the findings, the household's strongest one counted alone."""
    points = [POINTS[finding.signal] for finding in findings if finding.signal not in HOUSEHOLD]
    household = [POINTS[finding.signal] for finding in findings if finding.signal in HOUSEHOLD]
    return sum(points) + max(household, default=0)


def _identifiers(shared: Shared) -> list[Finding]:
    findings = []
    if mobiles := [number for number in shared.phones if not phone_is_landline(number)]:
        findings.append(Finding(Signal.PHONE, (phone_display(mobiles[0]),)))
    if shared.mailboxes:
        findings.append(Finding(Signal.MAILBOX, shared.mailboxes[0]))
    return findings


def _birth_dates(first: Profile, second: Profile) -> list[Finding]:
    if first.birth_date is None or second.birth_date is None:
        return []
    if first.birth_date == second.birth_date:
        return [Finding(Signal.BIRTH_DATE)]
    return [Finding(Signal.BIRTH_DATE_DIFFERENT)]


def _household(first: Profile, second: Profile, shared: Shared) -> list[Finding]:
    findings = []
    if first.address_key and first.address_key == second.address_key:
        findings.append(Finding(Signal.ADDRESS))
    elif first.postal_code and first.postal_code == second.postal_code:
        findings.append(Finding(Signal.POSTAL_CODE))
    elif first.city_key and first.city_key == second.city_key:
        findings.append(Finding(Signal.CITY))
    if landlines := [number for number in shared.phones if phone_is_landline(number)]:
        findings.append(Finding(Signal.LANDLINE, (phone_display(landlines[0]),)))
    return findings


# --- phones -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def phone_is_landline(number: str) -> bool:
    """A home or office line, which a household shares; a mobile (or a number of unknown kind) is a person's."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE


def phone_display(number: str) -> str:
    """+82 10-1234-5678 for +821012345678; a number kept in digits as it is."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- names --------------------------------------------------------------------------------------------

# Japanese long vowels, written or not (Satou, Satoh and Sato; Yuuko and Yuko).
_JAPANESE_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"))


def folds(part: str) -> tuple[str, str]:
    """A romanised name part with the differences between its usual spellings folded away: as Korean
    (search_keys.loose: Hyunwoo and Hyeonu, Younghee and Yeonghui) and as Japanese (long vowels). Each
    folding applies to every name, since a name in Latin letters does not say which it is."""
    japanese = part[:-1] if part.endswith("oh") else part
    for old, new in _JAPANESE_LONG_VOWELS:
        japanese = japanese.replace(old, new)
    return search_keys.loose(part), japanese


@dataclass(frozen=True)
class NameForms:
    """A name's readings, each the set of its folded parts (the order of family and given names varies)."""

    forms: frozenset[frozenset[str]]
    parts: frozenset[str]
    script: str


# Names read and typo neighbourhoods kept between runs: about 2 KB each, so a few tens of MB at most.
NAMES_CACHED = 20_000


@functools.lru_cache(maxsize=NAMES_CACHED)
def name_forms(name: str) -> NameForms:
    forms = set()
    for reading in search_keys.name_readings(name):
        for parts in _groupings(reading):
            folded = [folds(part) for part in parts]
            forms.add(frozenset(korean for korean, _japanese in folded))
            forms.add(frozenset(japanese for _korean, japanese in folded))
    return NameForms(frozenset(forms), frozenset(itertools.chain.from_iterable(forms)), _script(name))


def _groupings(parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The parts, and for three or more, the given name's pieces joined either side ("Kim Min Jun")."""
    if len(parts) < 3:
        return [parts]
    return [parts, (parts[0], "".join(parts[1:])), ("".join(parts[:-1]), parts[-1])]


HANGUL, KANA_OR_HAN, LATIN = "hangul", "kana or han", "latin"


def _script(name: str) -> str:
    if any(0xAC00 <= ord(char) <= 0xD7A3 for char in name):
        return HANGUL
    if any(ord(char) >= 0x3040 and char.isalpha() for char in name):
        return KANA_OR_HAN
    return LATIN


def _names(first: Profile, second: Profile) -> list[Finding]:
    signal = names_compare(first.name, first.name_key, second.name, second.name_key)
    if signal is None:
        return []
    if signal in (Signal.NAME_SAME, Signal.NAME_ACROSS_SCRIPTS, Signal.NAME_REWRITTEN) and (
        first.common_name or second.common_name
    ):
        signal = Signal.NAME_COMMON
    detail = () if signal in (Signal.NAME_SAME, Signal.NAME_COMMON) else (first.name, second.name)
    return [Finding(signal, detail)]


def names_compare(first: str, first_key: str, second: str, second_key: str) -> Signal | None:
    """How two names match: the same, the same in another script or spelling, one typo apart, one part of
    the other, sharing one part only, or not at all; None when a file has no name."""
    if not first_key or not second_key:
        return None
    if first_key == second_key:
        return Signal.NAME_SAME
    one, other = name_forms(first), name_forms(second)
    if one.script == other.script == HANGUL:
        return _hangul_names_compare(first, second)
    if one.forms & other.forms:
        return Signal.NAME_ACROSS_SCRIPTS if one.script != other.script else Signal.NAME_REWRITTEN
    if _parts_a_typo_apart(one.parts - other.parts, other.parts - one.parts) and any(
        _one_typo_apart(a, b) for a in one.forms for b in other.forms
    ):
        return Signal.NAME_SIMILAR
    if _one_within_other(one, other) or _one_within_other(other, one):
        return Signal.NAME_PART
    if one.parts & other.parts:
        return Signal.NAME_ONE_PART
    return Signal.NAME_DIFFERENT


def _hangul_names_compare(first: str, second: str) -> Signal:
    """Hangul is written as it is said: two names in Hangul that differ are two names, though romanised
    loosely they may meet (김서연 and 김수연: gim suyun), where kanji read alike may be a slip of the input
    method (佐藤 and 佐東: satou)."""
    first_family, first_given = search_keys.korean_name_parts(first)
    second_family, second_given = search_keys.korean_name_parts(second)
    if first_family == second_family or (first_given and first_given == second_given):
        return Signal.NAME_ONE_PART
    return Signal.NAME_DIFFERENT


def _one_within_other(one: NameForms, other: NameForms) -> bool:
    """Whether a reading of one name is some of the parts of a reading of the other ("Minjun", 김민준)."""
    return any(a <= other.parts and any(a < b for b in other.forms) for a in one.forms)


def _parts_a_typo_apart(ones: Iterable[str], others: Iterable[str]) -> bool:
    """Whether any part of one name is a typo away from a part of the other: cheap, so asked first."""
    near_ones = set().union(*(typo_neighbours(part) for part in ones))
    return any(not near_ones.isdisjoint(typo_neighbours(part)) for part in others)


def _one_typo_apart(one: frozenset[str], other: frozenset[str]) -> bool:
    """All parts alike but one, and that one a typo away."""
    if len(one) != len(other):
        return False
    left = one - other
    if len(left) != 1:
        return False
    ((a,), (b,)) = left, other - one
    return not typo_neighbours(a).isdisjoint(typo_neighbours(b))


TYPO_PART_MIN = 3  # letters: "Km" is not a typo of "Kim", it is too short to say


@functools.lru_cache(maxsize=NAMES_CACHED)
def typo_neighbours(part: str) -> frozenset[str]:
    """The part and each way of leaving one letter out. Two parts are a typo apart when these meet: a
    letter wrong, missing, added, or moved a place (minjun and minjum, sophie and sohie, jiho and jhio)."""
    if len(part) < TYPO_PART_MIN:
        return frozenset()
    return frozenset({part, *(part[:at] + part[at + 1 :] for at in range(len(part)))})
