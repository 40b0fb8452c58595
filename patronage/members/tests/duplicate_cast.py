"""A labelled customer file for the duplicate finder: people, some of them with two or three files, and
people who look alike but are not one person. Written with a fixed seed; shared by the finder's test and
bench/duplicates.py.

True duplicates, as they reach a real file:
- a phone number stored in two forms (+821012345678, and 01012345678 or 010-1234-5678 kept from before
  phones were stored in E.164: docs/decisions/0017);
- e-mail addresses to one mailbox (Gmail dots, a +tag, an address kept in capitals by an old import);
- a Hangul name and its romanisation (김민준 / Minjun Kim, 이서연 / Lee Seo-yeon);
- a name in kanji or kana and in romaji (佐藤 花子 / Hanako Sato);
- a typo in the name; a move to another city;
- and some the finder is not expected to find (a common name that moved, a name changed by marriage,
  a kanji given name its dictionary reads otherwise), so that recall says something.

Hard negatives: many people with one common name in one city, families sharing an address, a landline
and a family name (twins sharing a birth date too), a father and son of the same name, a family's shared
mailbox, strangers born the same day, a mobile number passed on to someone else.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import phonenumbers

from patronage.members.models import Identity, Member
from patronage.members.normalise import name_key
from patronage.members.search_keys import hangul_syllable, name_latin

SEED = 11
BACKGROUND = 320

KO_FAMILY = [
    ("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
    ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"), ("한", "Han"), ("오", "Oh"),
    ("서", "Seo"), ("신", "Shin"), ("권", "Kwon"), ("황", "Hwang"), ("안", "Ahn"), ("송", "Song"),
    ("홍", "Hong"), ("전", "Jeon"),
]  # fmt: skip
KO_GIVEN = [
    ("민준", "Minjun"), ("서준", "Seojun"), ("도윤", "Doyun"), ("예준", "Yejun"), ("시우", "Siwoo"),
    ("하준", "Hajun"), ("지호", "Jiho"), ("현우", "Hyunwoo"), ("우진", "Woojin"), ("성민", "Sungmin"),
    ("서연", "Seoyeon"), ("서윤", "Seoyun"), ("지우", "Jiwoo"), ("서현", "Seohyun"), ("민서", "Minseo"),
    ("하은", "Haeun"), ("지민", "Jimin"), ("채원", "Chaewon"), ("수아", "Sua"), ("은서", "Eunseo"),
    ("혜진", "Hyejin"), ("영희", "Younghee"), ("동현", "Donghyun"), ("재원", "Jaewon"),
]  # fmt: skip
JA_FAMILY = [
    ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"), ("伊藤", "Ito"),
    ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"),
    ("加藤", "Kato"), ("吉田", "Yoshida"), ("山田", "Yamada"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"),
    ("井上", "Inoue"), ("木村", "Kimura"), ("林", "Hayashi"), ("清水", "Shimizu"),
]  # fmt: skip
# Given names whose kanji the dictionary reads as the person does.
JA_GIVEN = [
    ("花子", "Hanako"), ("太郎", "Taro"), ("一郎", "Ichiro"), ("健太", "Kenta"), ("大輔", "Daisuke"),
    ("直樹", "Naoki"), ("美咲", "Misaki"), ("由美", "Yumi"), ("恵子", "Keiko"), ("愛子", "Aiko"),
    ("翔太", "Shota"), ("拓海", "Takumi"), ("さくら", "Sakura"), ("明美", "Akemi"), ("和也", "Kazuya"),
    ("真由美", "Mayumi"), ("洋子", "Yoko"), ("誠", "Makoto"),
]  # fmt: skip
EN_FAMILY = ["Smith", "Johnson", "Brown", "Garcia", "Martin", "Wilson", "Taylor", "Miller", "Davis", "Clark"]
EN_GIVEN = ["Emma", "Olivia", "Sophie", "Hannah", "Sarah", "Anna", "Lucas", "Noah", "Liam", "David",
            "Daniel", "Thomas", "James", "Grace"]  # fmt: skip
# For the many people of a large file (--members in bench/duplicates.py): names as varied as a real file's.
KO_FAMILY_SHARES = [21, 15, 8, 5, 5, 2, 2, 2, 2, 2, 1.5, 1.5, 1.5, 1.5, 1, 1, 1, 1, 1, 1]
KO_SYLLABLES = "민준서도윤예시우하지호현진성상훈연은수아채원영희혜경정미동재태유나소다인규빈석환"
JA_FAMILY_MORE = [
    ("斎藤", "Saito"), ("松田", "Matsuda"), ("前田", "Maeda"), ("藤田", "Fujita"), ("岡田", "Okada"),
    ("後藤", "Goto"), ("長谷川", "Hasegawa"), ("石川", "Ishikawa"), ("村上", "Murakami"), ("近藤", "Kondo"),
    ("坂本", "Sakamoto"), ("遠藤", "Endo"), ("青木", "Aoki"), ("藤井", "Fujii"), ("西村", "Nishimura"),
    ("福田", "Fukuda"), ("太田", "Ota"), ("三浦", "Miura"), ("藤原", "Fujiwara"), ("岡本", "Okamoto"),
]  # fmt: skip
JA_FIRST = [("美", "mi"), ("由", "yu"), ("恵", "e"), ("真", "ma"), ("健", "ken"), ("大", "dai"), ("翔", "sho"),
            ("拓", "taku"), ("直", "nao"), ("和", "kazu"), ("陽", "haru"), ("千", "chi")]  # fmt: skip
JA_SECOND = [("子", "ko"), ("美", "mi"), ("太", "ta"), ("郎", "ro"), ("樹", "ki"), ("也", "ya"), ("介", "suke"),
             ("斗", "to"), ("奈", "na"), ("香", "ka"), ("人", "to"), ("花", "ka")]  # fmt: skip
EN_FAMILY_MORE = ["Anderson", "Thomas", "Moore", "Jackson", "White", "Harris", "Lewis", "Robinson", "Walker",
                  "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
                  "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker",
                  "Collins", "Edwards", "Stewart"]  # fmt: skip
EN_GIVEN_MORE = ["Oliver", "Jack", "Harry", "George", "Charlie", "Jacob", "Alfie", "Henry", "Oscar", "Leo",
                 "Amelia", "Isla", "Ava", "Mia", "Isabella", "Lily", "Ella", "Emily", "Chloe", "Ruby",
                 "Lucy", "Alice", "Freya", "Evie", "Daisy", "Matthew"]  # fmt: skip
KR_CITIES = ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Suwon"]
JP_CITIES = ["Tokyo", "Osaka", "Yokohama", "Kyoto", "Nagoya"]
KR_STREETS = ["Teheran-ro", "Gangnam-daero", "Sejong-daero", "Haeundae-ro", "Jungang-ro", "Dongil-ro"]
JP_STREETS = ["Shibuya 2-chome", "Umeda 1-chome", "Nishi-Shinjuku 3-chome", "Sakae 4-chome", "Minato-mirai 2"]
DOMAINS = ["gmail.com", "gmail.com", "naver.com", "example.com", "yahoo.co.jp"]


@dataclass(frozen=True)
class Person:
    origin: str  # "ko", "ja" or "en"
    family: tuple[str, str]  # (as written at home, in Latin letters)
    given: tuple[str, str]
    birth_date: date | None
    city: str
    postal_code: str
    address: str
    mobile: str  # E.164, or ""
    email: str  # as the person types it, or ""
    landline: str = ""  # E.164, a household's

    @property
    def country(self) -> str:
        return "JP" if self.city in JP_CITIES else "KR"

    def native_name(self) -> str:
        if self.origin == "ko":
            return self.family[0] + self.given[0]
        if self.origin == "ja":
            return f"{self.family[0]} {self.given[0]}"
        return f"{self.given[1]} {self.family[1]}"

    def latin_name(self, *, family_first: bool = False) -> str:
        return f"{self.family[1]} {self.given[1]}" if family_first else f"{self.given[1]} {self.family[1]}"


@dataclass(frozen=True)
class File:
    """One customer file as the cast writes it: the stored values, whose file it is, and why it is there."""

    person: int
    kind: str
    name: str
    birth_date: date | None
    city: str
    postal_code: str
    address: str
    country: str
    phones: tuple[str, ...] = ()  # as stored
    email: str = ""  # as stored


@dataclass
class Cast:
    """What was written: the pairs of files that are one person, each with the kind of duplicate."""

    kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    files: int = 0

    @property
    def true_pairs(self) -> set[tuple[int, int]]:
        return set(self.kinds)


class _People:
    """Draws people, each with phone numbers and an e-mail address of their own."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.numbers: set[str] = set()
        self.addresses = 0  # e-mail addresses drawn, numbering them

    def person(self, origin: str | None = None, *, varied: bool = False, **fixed: object) -> Person:
        """Someone new; `varied` draws their name from the many names of a large file, not the few that
        the lookalikes are made of."""
        rng = self.rng
        origin = origin or rng.choices(["ko", "ja", "en"], weights=[5, 3, 2])[0]
        family, given = self.varied_name(origin) if varied else self.name(origin)
        in_japan = origin == "ja" or (origin == "en" and rng.random() < 0.3)
        city = rng.choice(JP_CITIES if in_japan else KR_CITIES)
        person = Person(
            origin=origin,
            family=family,
            given=given,
            birth_date=self.birth_date() if rng.random() < 0.9 else None,
            city=city,
            postal_code=self.postal_code(in_japan),
            address=self.address(in_japan) if rng.random() < 0.6 else "",
            mobile=self.mobile(in_japan) if rng.random() < 0.85 else "",
            email="",
        )
        person = replace(person, **fixed)  # type: ignore[arg-type]
        if "email" not in fixed and rng.random() < 0.9:
            person = replace(person, email=self.email(person))
        return person

    def name(self, origin: str) -> tuple[tuple[str, str], tuple[str, str]]:
        rng = self.rng
        if origin == "ko":
            return rng.choice(KO_FAMILY), rng.choice(KO_GIVEN)
        if origin == "ja":
            return rng.choice(JA_FAMILY), rng.choice(JA_GIVEN)
        family, given = rng.choice(EN_FAMILY), rng.choice(EN_GIVEN)
        return (family, family), (given, given)

    def varied_name(self, origin: str) -> tuple[tuple[str, str], tuple[str, str]]:
        """Korean family names in their national shares, given names of two syllables; Japanese given
        names of two kanji; English names from longer lists."""
        rng = self.rng
        if origin == "ko":
            family = rng.choices(KO_FAMILY, weights=KO_FAMILY_SHARES)[0]
            syllables = "".join(rng.choice(KO_SYLLABLES) for _ in range(2))
            return family, (syllables, "".join(hangul_syllable(char) for char in syllables).capitalize())
        if origin == "ja":
            (first, first_latin), (second, second_latin) = rng.choice(JA_FIRST), rng.choice(JA_SECOND)
            return rng.choice(JA_FAMILY + JA_FAMILY_MORE), (
                first + second,
                (first_latin + second_latin).capitalize(),
            )
        english_family, english_given = (
            rng.choice(EN_FAMILY + EN_FAMILY_MORE),
            rng.choice(EN_GIVEN + EN_GIVEN_MORE),
        )
        return (english_family, english_family), (english_given, english_given)

    def birth_date(self) -> date:
        return date(1950, 1, 1) + timedelta(days=self.rng.randrange(365 * 55))

    def postal_code(self, in_japan: bool) -> str:
        rng = self.rng
        return (
            f"{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
            if in_japan
            else f"{rng.randrange(1000, 63000):05d}"
        )

    def address(self, in_japan: bool) -> str:
        rng = self.rng
        street = rng.choice(JP_STREETS if in_japan else KR_STREETS)
        return f"{street} {rng.randrange(1, 400)}, #{rng.randrange(101, 2500)}"

    def mobile(self, in_japan: bool) -> str:
        return self._unique("+8190" if in_japan else "+8210")

    def landline(self, in_japan: bool) -> str:
        return self._unique("+813" if in_japan else "+822")

    def _unique(self, prefix: str) -> str:
        while (number := f"{prefix}{self.rng.randrange(20_000_000, 99_999_999)}") in self.numbers:
            pass
        self.numbers.add(number)
        return number

    def email(self, person: Person) -> str:
        self.addresses += 1
        return f"{person.given[1]}.{person.family[1]}{self.addresses}@{self.rng.choice(DOMAINS)}"


def _file(person_id: int, kind: str, person: Person, name: str | None = None, **changes: object) -> File:
    phones = tuple(number for number in (person.mobile, person.landline) if number)
    base = File(
        person=person_id,
        kind=kind,
        name=person.native_name() if name is None else name,
        birth_date=person.birth_date,
        city=person.city,
        postal_code=person.postal_code,
        address=person.address,
        country=person.country,
        phones=phones,
        email=person.email.lower(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def national_digits(number: str) -> str:
    """+821012345678 as it was stored before E.164: 01012345678."""
    return "0" + number[3:]


def national_dashed(number: str) -> str:
    """+821012345678 as typed at home: 010-1234-5678."""
    return phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL)


def gmail_variant(address: str, rng: random.Random) -> str:
    """The same Gmail mailbox written otherwise: dots moved, a +tag, capitals."""
    local, _at, domain = address.partition("@")
    plain = local.replace(".", "")
    choice = rng.randrange(3)
    if choice == 0:
        return f"{plain[:3]}.{plain[3:]}@{domain}"
    if choice == 1:
        return f"{local}+shop@{domain}"
    return f"{plain.capitalize()}@{domain.upper()}"


def _typo(name: str, rng: random.Random) -> str:
    """One letter of the name's longest word dropped, doubled, changed or swapped, away from its first."""
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:at] + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    elif kind == 2:
        word = word[:at] + ("e" if word[at] != "e" else "a") + word[at + 1 :]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[longest] = word
    return " ".join(words)


def cast_files(*, seed: int = SEED, background: int = BACKGROUND) -> Iterator[File]:
    """The files of the labelled cast: `background` people with one file each, then the lookalikes."""
    rng = random.Random(seed)
    draw = _People(rng)
    counter = itertools.count(1)
    for _ in range(background):
        yield _file(next(counter), "background", draw.person(varied=True))
    yield from _true_duplicates(draw, counter)
    yield from _missed_duplicates(draw, counter)
    yield from _lookalikes(draw, counter)


def _true_duplicates(draw: _People, counter: Iterator[int]) -> Iterator[File]:
    rng = draw.rng
    kind = "a phone number in two or three forms"
    for round_ in range(15):
        person = draw.person("en" if round_ % 5 == 4 else "ko", city=rng.choice(KR_CITIES))
        person = replace(person, mobile=draw.mobile(False))
        me = next(counter)
        yield _file(me, kind, person)
        name = person.native_name() if round_ % 2 else person.latin_name(family_first=round_ % 3 == 0)
        birth = person.birth_date if round_ % 3 else None
        yield _file(
            me, kind, person, name, phones=(national_digits(person.mobile),), email="", birth_date=birth
        )
        if round_ % 5 == 0:
            yield _file(me, kind, person, phones=(national_dashed(person.mobile),), email="", address="")

    kind = "e-mails to one mailbox"
    for round_ in range(12):
        person = draw.person(rng.choice(["ko", "ja", "en"]), mobile="")
        person = replace(person, email=f"{person.given[1]}.{person.family[1]}{round_}@gmail.com".lower())
        me = next(counter)
        yield _file(me, kind, person)
        name = person.native_name() if round_ % 3 else person.native_name().lower()
        yield _file(
            me, kind, person, name, email=gmail_variant(person.email, rng), address="", birth_date=None
        )

    kind = "a Hangul name and its romanisation"
    for round_ in range(15):
        person = draw.person("ko", birth_date=draw.birth_date(), address=draw.address(False))
        me = next(counter)
        yield _file(me, kind, person)
        latin = person.latin_name(family_first=round_ % 2 == 0)
        if round_ == 3:
            given = person.given[1]
            latin = f"{person.family[1]} {given[:2]}-{given[2:].lower()}"
        shares = round_ % 3  # 0: a birth date, 1: a mobile (and a birth date), 2: an address
        yield _file(
            me,
            kind,
            person,
            latin,
            email="",
            phones=(national_digits(person.mobile),) if shares == 1 and person.mobile else (),
            birth_date=person.birth_date if shares != 2 else None,
            address=person.address if shares == 2 else "",
        )

    kind = "kanji or kana and romaji"
    for round_ in range(10):
        person = draw.person("ja", birth_date=draw.birth_date(), address=draw.address(True))
        if round_ == 7:
            person = replace(person, family=("鈴木", "Suzuki"), given=("一郎", "Ichiro"))
        me = next(counter)
        yield _file(me, kind, person)
        name = "すずき いちろう" if round_ == 7 else person.latin_name(family_first=round_ % 2 == 0)
        by_address = round_ % 3 == 2
        yield _file(
            me,
            kind,
            person,
            name,
            email="",
            phones=(),
            birth_date=None if by_address else person.birth_date,
            address=person.address if by_address else "",
        )

    kind = "a typo in the name"
    for round_ in range(12):
        person = draw.person(rng.choice(["en", "en", "ko", "ja"]), birth_date=draw.birth_date())
        me = next(counter)
        yield _file(me, kind, person, person.latin_name())
        gmail = round_ % 3 == 0 and person.email.endswith("@gmail.com")
        yield _file(
            me,
            kind,
            person,
            _typo(person.latin_name(), rng),
            phones=(),
            email=gmail_variant(person.email, rng).lower() if gmail else "",
        )

    kind = "a move to another city"
    for round_ in range(10):
        person = draw.person(rng.choice(["ko", "ja", "en"]), birth_date=draw.birth_date())
        me = next(counter)
        yield _file(me, kind, person)
        in_japan = person.city in JP_CITIES
        moved_to = rng.choice(
            [city for city in (JP_CITIES if in_japan else KR_CITIES) if city != person.city]
        )
        yield _file(
            me,
            kind,
            person,
            city=moved_to,
            postal_code=draw.postal_code(in_japan),
            address=draw.address(in_japan),
            phones=(draw.mobile(in_japan),),
            email=f"new.{person.email.lower()}" if round_ % 2 and person.email else "",
        )


COMMON_KOREAN = (("김", "Kim"), ("민준", "Minjun"))
COMMON_JAPANESE = (("佐藤", "Sato"), ("花子", "Hanako"))


def _missed_duplicates(draw: _People, counter: Iterator[int]) -> Iterator[File]:
    """Duplicates the finder is not expected to find: too little in common for a file of thousands."""
    kind = "missed: a common name that moved"
    for _ in range(2):
        family, given = COMMON_KOREAN
        person = draw.person("ko", family=family, given=given, birth_date=draw.birth_date(), city="Seoul")
        me = next(counter)
        yield _file(me, kind, person)
        yield _file(
            me,
            kind,
            person,
            city="Busan",
            postal_code="48000",
            address="",
            phones=(draw.mobile(False),),
            email="",
        )
    kind = "missed: a name changed by marriage"
    for _ in range(3):
        person = draw.person("en", birth_date=draw.birth_date())
        me = next(counter)
        yield _file(me, kind, person)
        married = draw.rng.choice([name for name in EN_FAMILY if name != person.family[1]])
        yield _file(me, kind, person, f"{person.given[1]} {married}", phones=(), email="")
    kind = "missed: a kanji given name the dictionary reads otherwise"
    for family in JA_FAMILY[:3]:
        person = draw.person("ja", family=family, given=("陽翔", "Haruto"), birth_date=draw.birth_date())
        me = next(counter)
        yield _file(me, kind, person)
        yield _file(me, kind, person, person.latin_name(), phones=(), email="")


def _lookalikes(draw: _People, counter: Iterator[int]) -> Iterator[File]:
    """Different people who look alike: the hard negatives."""
    rng = draw.rng
    # Ten people named 김민준 in Seoul, two of them born the same day; six 佐藤 花子 in Tokyo.
    shared_birthday = draw.birth_date()
    for number in range(10):
        born = shared_birthday if number < 2 else draw.birth_date()
        family, given = COMMON_KOREAN
        person = draw.person("ko", family=family, given=given, city="Seoul", birth_date=born)
        yield _file(next(counter), "lookalike", person, person.latin_name() if number in (3, 7) else None)
    for number in range(6):
        family, given = COMMON_JAPANESE
        person = draw.person("ja", family=family, given=given, city="Tokyo")
        yield _file(next(counter), "lookalike", person, person.latin_name() if number == 2 else None)

    # Families: one address, postal code, city and landline (in its old form on all files but the first).
    for household in range(12):
        origin = ["ko", "ja", "en"][household % 3]
        head = draw.person(origin, address=draw.address(origin == "ja"))
        landline = draw.landline(origin == "ja")
        twins_born = draw.birth_date()
        for member in range(2 + household % 3):
            family = head.family
            if origin == "ko" and member == 1:  # a Korean wife keeps her family name
                family = rng.choice([name for name in KO_FAMILY if name != head.family])
            person = draw.person(
                origin,
                family=family,
                given=head.given if member == 0 else _other_given(origin, head.given, rng),
                birth_date=twins_born if household == 5 and member >= 1 else draw.birth_date(),
                city=head.city,
                postal_code=head.postal_code,
                address=head.address,
            )
            stored = [landline, national_digits(landline), national_dashed(landline), ""][member]
            phones = tuple(number for number in (person.mobile, stored) if number)
            yield _file(next(counter), "lookalike", person, phones=phones)

    # A father and son of the same name at one address, born 28 years apart.
    senior = draw.person("en", family=("Smith",) * 2, given=("David",) * 2, birth_date=date(1958, 4, 2))
    yield _file(next(counter), "lookalike", senior)
    junior = replace(senior, birth_date=date(1986, 9, 14), mobile=draw.mobile(False), email="")
    yield _file(next(counter), "lookalike", junior)

    # A family's Gmail mailbox on two files at one address.
    head = draw.person("ko", family=("박", "Park"), address=draw.address(False), email="")
    yield _file(next(counter), "lookalike", head, email="parkfamily@gmail.com")
    spouse = replace(draw.person("ko", family=("최", "Choi"), email=""), city=head.city, address=head.address)
    yield _file(
        next(counter),
        "lookalike",
        replace(spouse, postal_code=head.postal_code),
        email="park.family@gmail.com",
    )

    # Strangers born the same day, with a family name in common.
    for _ in range(8):
        born = draw.birth_date()
        for _twice in range(2):
            yield _file(next(counter), "lookalike", draw.person("ko", family=("김", "Kim"), birth_date=born))

    # A mobile number passed on to someone else, kept in its old form on the older file.
    for _ in range(3):
        old = draw.person("ko", mobile=draw.mobile(False))
        yield _file(next(counter), "lookalike", old)
        yield _file(next(counter), "lookalike", draw.person("ko"), phones=(national_digits(old.mobile),))


def _other_given(origin: str, given: tuple[str, str], rng: random.Random) -> tuple[str, str]:
    if origin == "ko":
        return rng.choice([name for name in KO_GIVEN if name != given])
    if origin == "ja":
        return rng.choice([name for name in JA_GIVEN if name != given])
    name = rng.choice([name for name in EN_GIVEN if name != given[1]])
    return (name, name)


@functools.cache
def _keys(name: str) -> tuple[str, str]:
    return name_key(name), name_latin(name)


def cast_write(files: Iterable[File]) -> Cast:
    """Writes the files in bulk, as an import stores them, and says which pairs are one person."""
    files = list(files)
    joined = datetime(2025, 1, 1, tzinfo=UTC)
    members = []
    for file in files:
        key, latin = _keys(file.name)
        members.append(
            Member(
                name=file.name,
                name_key=key,
                name_latin=latin,
                birth_date=file.birth_date,
                city=file.city,
                postal_code=file.postal_code,
                address=file.address,
                country=file.country,
                source="cast",
                joined_at=joined,
            )
        )
    Member.objects.bulk_create(members, batch_size=2_000)
    identities = []
    for member, file in zip(members, files, strict=True):
        for order, phone in enumerate(file.phones):
            identities.append(Identity(member=member, kind="phone", value=phone, is_primary=order == 0))
        if file.email:
            identities.append(Identity(member=member, kind="email", value=file.email, is_primary=True))
    Identity.objects.bulk_create(identities, batch_size=5_000)
    by_person: dict[int, list[tuple[int, str]]] = {}
    for member, file in zip(members, files, strict=True):
        by_person.setdefault(file.person, []).append((member.pk, file.kind))
    cast = Cast(files=len(files))
    for written in by_person.values():
        for (first, kind), (second, _kind) in itertools.combinations(written, 2):
            cast.kinds[(min(first, second), max(first, second))] = kind
    return cast
