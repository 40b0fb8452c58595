"""The duplicate finder: pairs of active customer files that are probably one person, likeliest first.

Files are compared only within blocks, never every pair with every other: two files are compared when they
share a phone number (in E.164), a mailbox (normalise.email_key), an address, or a birth date and a name
or a word of their names' romanised keys. A pair that shares none of these cannot reach the candidate score
(duplicate_scoring), so nothing is missed by not comparing it. A block larger than its cap says nothing
about a person (a shop's placeholder number, a default birth date, an office block) and is skipped.

Pairs staff marked "not a duplicate" (DuplicateDismissal) are left out.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, overload

from django.utils.translation import gettext as _

from patronage.members import normalise, search_keys
from patronage.members.duplicate_scoring import (
    CANDIDATE_SCORE,
    COMMON_NAME_FILES,
    COMMON_NAME_SHARE,
    Finding,
    Profile,
    Shared,
    Signal,
    pair_findings,
    pair_score,
)
from patronage.members.models import DuplicateDismissal, Identity, IdentityKind, Member, MemberStatus

# The most files one key may join before it is taken for a placeholder rather than a person's.
PHONE_BLOCK_MAX = 10
MAILBOX_BLOCK_MAX = 10
ADDRESS_BLOCK_MAX = 20
BIRTH_DATE_BLOCK_MAX = 500
ADDRESS_KEY_MIN = 6  # letters and digits: shorter is not an address ("1", "n/a")
SCORE_SHOWN_MAX = 100
VERY_LIKELY_FROM = 90
LIKELY_FROM = 70
KEYS_PER_QUERY = 5_000  # values in one IN (...): well inside SQLite's limit on a query's parameters

Pair = tuple[int, int]


@dataclass(frozen=True)
class _Match:
    """A key two files share, and the values each of them stores it as."""

    key: str
    first: str
    second: str


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two files that are probably one person: the lower id first, with why (and why not)."""

    first: Member
    second: Member
    score: int  # CANDIDATE_SCORE to SCORE_SHOWN_MAX
    reasons: list[str]
    doubts: list[str]

    @property
    def very_likely(self) -> bool:
        return self.score >= VERY_LIKELY_FROM

    @property
    def strength(self) -> str:
        if self.very_likely:
            return _("very likely")
        if self.score >= LIKELY_FROM:
            return _("likely")
        return _("possible")


@dataclass(frozen=True)
class _Scored:
    pair: Pair
    points: int
    findings: tuple[Finding, ...]


class DuplicateList(Sequence[DuplicateCandidate]):
    """Every candidate pair, likeliest first; the files of a page are read when the page is taken."""

    def __init__(self, scored: list[_Scored]) -> None:
        self._scored = scored

    def __len__(self) -> int:
        return len(self._scored)

    @overload
    def __getitem__(self, index: int) -> DuplicateCandidate: ...

    @overload
    def __getitem__(self, index: slice) -> list[DuplicateCandidate]: ...

    def __getitem__(self, index: int | slice) -> DuplicateCandidate | list[DuplicateCandidate]:
        if isinstance(index, int):
            return self._candidates([self._scored[index]])[0]
        return self._candidates(self._scored[index])

    def pairs(self) -> list[Pair]:
        """Every pair's ids, likeliest first (for tests and the benchmark)."""
        return [scored.pair for scored in self._scored]

    @staticmethod
    def _candidates(scored: list[_Scored]) -> list[DuplicateCandidate]:
        ids = {member_id for item in scored for member_id in item.pair}
        members = Member.objects.in_bulk(ids)
        return [
            DuplicateCandidate(
                first=members[item.pair[0]],
                second=members[item.pair[1]],
                score=min(item.points, SCORE_SHOWN_MAX),
                reasons=[reason_text(finding) for finding in item.findings if not finding.against],
                doubts=[reason_text(finding) for finding in item.findings if finding.against],
            )
            for item in scored
        ]


def member_duplicates_find() -> DuplicateList:
    """Pairs of active files that are probably one person, likeliest first, without the dismissed ones."""
    files = _Files()
    phones = _phone_pairs()
    mailboxes = _mailbox_pairs(files.rows)
    pairs = set(phones) | set(mailboxes) | files.address_pairs() | files.birth_date_pairs()
    pairs -= _dismissed_pairs()
    scored = []
    for pair in pairs:
        first, second = files.profile(pair[0]), files.profile(pair[1])
        if first is None or second is None:
            continue  # an identity of a file merged or erased since the files were read
        shared = Shared(
            phones=tuple(match.key for match in phones.get(pair, ())),
            mailboxes=tuple((match.first, match.second) for match in mailboxes.get(pair, ())),
        )
        findings = pair_findings(first, second, shared)
        points = pair_score(findings)
        if points >= CANDIDATE_SCORE:
            scored.append(_Scored(pair, points, tuple(findings)))
    scored.sort(key=lambda item: (-item.points, -len(item.findings), item.pair))
    return DuplicateList(scored)


# --- the files and their keys ----------------------------------------------------------------------


class _Files:
    """The active files' rows, read once; a file's profile is made when a pair of it is scored."""

    _FIELDS = ("pk", "name", "name_key", "name_latin", "birth_date", "address", "postal_code", "city")

    def __init__(self) -> None:
        rows = Member.objects.filter(status=MemberStatus.ACTIVE).values_list(*self._FIELDS)
        self.rows = {row[0]: row for row in rows}
        names = Counter(row[2] for row in self.rows.values() if row[2])
        common_from = max(COMMON_NAME_FILES, COMMON_NAME_SHARE * len(self.rows))
        self.common_names = {name for name, count in names.items() if count >= common_from}
        self.profiles: dict[int, Profile] = {}

    def profile(self, member_id: int) -> Profile | None:
        if member_id not in self.profiles:
            row = self.rows.get(member_id)
            if row is None:
                return None
            _pk, name, name_key, _latin, birth_date, address, postal_code, city = row
            self.profiles[member_id] = Profile(
                member_id=member_id,
                name=name,
                name_key=name_key,
                birth_date=birth_date,
                address_key=_address_key(address),
                postal_code=_place_key(postal_code),
                city_key=_place_key(city),
                common_name=name_key in self.common_names,
            )
        return self.profiles[member_id]

    def address_pairs(self) -> set[Pair]:
        blocks: defaultdict[str, list[int]] = defaultdict(list)
        for member_id, *_other, address, _postal_code, _city in self.rows.values():
            if address and (key := _address_key(address)):
                blocks[key].append(member_id)
        return set(_block_pairs(blocks.values(), ADDRESS_BLOCK_MAX))

    def birth_date_pairs(self) -> set[Pair]:
        """Files born the same day whose names may match: the same name, or romanised keys that share a
        word (Kim, Minjun, Sato ...). Two different names in Hangul never match (duplicate_scoring: Hangul
        is written as it is said), so they are not paired."""
        blocks: defaultdict[date, list[_Born]] = defaultdict(list)
        for member_id, name, name_key, name_latin, birth_date, *_place in self.rows.values():
            if birth_date is not None and name_key:
                blocks[birth_date].append(_Born(member_id, name_key, name_latin, bool(_HANGUL.search(name))))
        pairs: set[Pair] = set()
        for block in blocks.values():
            if 2 <= len(block) <= BIRTH_DATE_BLOCK_MAX:
                pairs.update(
                    _ordered(one.member_id, other.member_id) for one, other in _names_may_match(block)
                )
        return pairs


class _Born(NamedTuple):
    member_id: int
    name_key: str
    name_latin: str
    hangul: bool


def _names_may_match(block: list[_Born]) -> Iterator[tuple[_Born, _Born]]:
    words: dict[int, set[str]] = {}
    for one, other in itertools.combinations(block, 2):
        if one.name_key == other.name_key:
            yield one, other
        elif not (one.hangul and other.hangul):
            for born in (one, other):
                if born.member_id not in words:
                    words[born.member_id] = _name_words(born.name_latin)
            if words[one.member_id] & words[other.member_id]:
                yield one, other


_HANGUL = re.compile("[\uac00-\ud7a3]")


def _name_words(name_latin: str) -> set[str]:
    """The words of a romanised key but single letters (이 is "i" as well as "lee": "i" pairs too many)."""
    return set(name_latin.split()) - _SINGLE_LETTERS


_SINGLE_LETTERS = set("abcdefghijklmnopqrstuvwxyz0123456789")


def _address_key(address: str) -> str:
    key = _compact(address)
    return key if len(key) >= ADDRESS_KEY_MIN else ""


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _compact(text: str) -> str:
    """Letters and digits in lower case: "Teheran-ro 12, #301" and "teheran ro 12 301" are one address."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).casefold())


@functools.lru_cache(maxsize=10_000)
def _place_key(text: str) -> str:
    """A city or a postal code, compacted (a file has few distinct ones)."""
    return _compact(text)


def _phone_pairs() -> dict[Pair, list[_Match]]:
    """Files that share a phone number.

    A stored value belongs to one file (the unique constraint), and phones are stored in E.164, their own
    key: two files share a number only when one keeps it in a form from before (01012345678, decision
    0017). Those few are read, then the files holding their E.164 forms, rather than every phone.
    """
    phones = Identity.objects.filter(kind=IdentityKind.PHONE, member__status=MemberStatus.ACTIVE)
    found = list(phones.exclude(value__startswith="+").values_list("member_id", "value"))
    keys = sorted({_phone_key(value) for _member_id, value in found})
    for start in range(0, len(keys), KEYS_PER_QUERY):
        found += phones.filter(value__in=keys[start : start + KEYS_PER_QUERY]).values_list(
            "member_id", "value"
        )
    return _shared([(member_id, value, _phone_key(value)) for member_id, value in found], PHONE_BLOCK_MAX)


def _phone_key(value: str) -> str:
    """A phone in E.164; one kept in its old form (digits) is read in the business's region."""
    if value.startswith("+"):
        return value
    return search_keys.phone_e164(value, normalise.default_region()) or value


def _mailbox_pairs(active: Container[int]) -> dict[Pair, list[_Match]]:
    """Files whose e-mails reach one mailbox: a +tag, Gmail's dots, an address an old import kept in
    capitals. Every address is read (Gmail's make up much of a file), without a join: `active` says whose."""
    emails = Identity.objects.filter(kind=IdentityKind.EMAIL).values_list("member_id", "value")
    rows = [
        (member_id, value, _mailbox_key(value))
        for member_id, value in emails.iterator(chunk_size=10_000)
        if member_id in active
    ]
    return _shared(rows, MAILBOX_BLOCK_MAX)


def _mailbox_key(value: str) -> str:
    return normalise.email_key(value.strip().lower())


def _shared(rows: list[tuple[int, str, str]], block_max: int) -> dict[Pair, list[_Match]]:
    """From (file, value, key): the pairs of files that share a key, with the key and each file's value."""
    blocks: defaultdict[str, dict[int, str]] = defaultdict(dict)
    for member_id, value, key in rows:
        blocks[key].setdefault(member_id, value)
    shared: defaultdict[Pair, list[_Match]] = defaultdict(list)
    for key, values in blocks.items():
        if 2 <= len(values) <= block_max:
            for first, second in itertools.combinations(sorted(values), 2):
                shared[(first, second)].append(_Match(key, values[first], values[second]))
    return shared


def _block_pairs(blocks: Iterable[list[int]], block_max: int) -> Iterator[Pair]:
    for block in blocks:
        if 2 <= len(block) <= block_max:
            yield from itertools.combinations(sorted(block), 2)


def _ordered(one: int, other: int) -> Pair:
    return (one, other) if one < other else (other, one)


def _dismissed_pairs() -> set[Pair]:
    return set(DuplicateDismissal.objects.values_list("first_id", "second_id"))


# --- reasons in people's words -----------------------------------------------------------------------


def reason_text(finding: Finding) -> str:
    """What a finding says, in the current language."""
    detail = {"first": "", "second": "", **dict(zip(("first", "second"), finding.detail, strict=False))}
    texts = {
        Signal.PHONE: _("same phone number (%(first)s)"),
        Signal.LANDLINE: _("same home or office phone (%(first)s)"),
        Signal.MAILBOX: _("e-mails to the same mailbox (%(first)s / %(second)s)"),
        Signal.NAME_SAME: _("same name"),
        Signal.NAME_COMMON: _("same name, a common one"),
        Signal.NAME_ACROSS_SCRIPTS: _("names match across scripts (%(first)s / %(second)s)"),
        Signal.NAME_REWRITTEN: _("same name, written differently (%(first)s / %(second)s)"),
        Signal.NAME_SIMILAR: _("names one typo apart (%(first)s / %(second)s)"),
        Signal.NAME_PART: _("one name is part of the other (%(first)s / %(second)s)"),
        Signal.BIRTH_DATE: _("same birth date"),
        Signal.ADDRESS: _("same address"),
        Signal.POSTAL_CODE: _("same postal code"),
        Signal.CITY: _("same city"),
        Signal.NAME_ONE_PART: _("names share only one part (%(first)s / %(second)s)"),
        Signal.NAME_DIFFERENT: _("different names (%(first)s / %(second)s)"),
        Signal.BIRTH_DATE_DIFFERENT: _("different birth dates"),
    }
    return texts[finding.signal] % detail
