"""Keys under which the customer search finds people. Pure: no database.

A name is stored once more as `Member.name_latin`: the lower-case ASCII words it is written and said with,
each behind a space (" gim kim minji min ji gimminji kimminji ... "). A query matches when every word of
it starts one of those words (SQL: `name_latin LIKE '% word%'` for each word), so "Kim", "Minji",
"Kim Minji", "Min-ji Kim" and "kimminji" all find 김민지, and "Ji" alone does not find "minji".

- Hangul is romanised syllable by syllable in the Revised Romanisation, as names are (no sound changes
  between syllables), with the usual spellings of Korean surnames beside it (이: i, lee, yi, rhee ...),
  and a loose form in which the common variants of given names meet (eo/u, oo/ou/u, ee/ui/i, sh/s,
  k/g, p/b, t/d, ch/j: Hyunwoo and Hyeonu, Sungmin and Seongmin, Younghee and Yeonghui).
- Kana and kanji are read with pykakasi in Hepburn, with and without long vowels (さとう: satou, sato).
  A kanji given name is read as the dictionary reads it, which for a given name is often not the
  person's (陽翔 is read "youshou", not "haruto"); family names and names in kana are reliable.
- A name in Han characters only may be Japanese or Chinese: both the Japanese reading and the pinyin.
- Every other script (accents, Cyrillic, Greek, ...) is transliterated by anyascii.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from anyascii import anyascii

NAME_LATIN_LENGTH = 500
EMAIL_FRAGMENT_MIN = 3

# --- Korean ----------------------------------------------------------------------------------------

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# Finals as said at the end of a syllable (a name is romanised syllable by syllable).
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
    "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip

# How Korean family names are spelled on passports and cards besides their Revised Romanisation.
KOREAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("kim",), "이": ("lee", "yi", "rhee", "ri", "rie"), "박": ("park", "pak", "bahk"),
    "최": ("choi", "chey"), "정": ("jung", "chung", "cheong"), "강": ("kang",), "조": ("cho", "joe"),
    "윤": ("yoon",), "장": ("chang",), "임": ("lim", "rim"), "림": ("lim",), "한": (), "오": ("oh",),
    "서": ("suh",), "신": ("shin",), "권": ("kwon",), "황": (), "안": ("ahn",), "송": (),
    "류": ("ryoo", "yoo", "yu", "lyu"), "유": ("yoo", "you"), "전": ("jun", "chun", "chon"), "홍": (),
    "고": ("ko", "koh"), "문": ("moon",), "양": (), "손": ("sohn",), "배": ("pae",),
    "백": ("paik", "baik", "paek"), "허": ("huh", "hur"), "남": (), "심": ("shim",), "노": ("noh", "roh"),
    "하": (), "곽": ("kwak",), "성": ("sung",), "차": (), "주": ("joo", "chu"), "우": ("woo",),
    "구": ("koo", "ku"), "민": (), "나": ("ra",), "진": ("chin",), "지": ("chi",), "엄": ("um", "uhm"),
    "채": (), "원": (), "천": ("chun",), "방": (), "공": ("kong",), "현": ("hyun",), "함": (),
    "변": ("byun",), "염": ("yum",), "여": ("yuh",), "추": ("choo",), "도": ("doh",), "석": ("suk",),
    "선": ("sun",), "설": ("sul",), "마": (), "길": ("kil",), "위": ("wee",), "표": (),
    "명": ("myung",), "기": ("ki",), "반": ("pan",), "라": ("la",), "왕": (), "금": ("keum",),
    "옥": ("oak",), "육": ("yook",), "인": (), "맹": (), "제": ("jae",), "탁": (), "국": ("kook",),
    "어": ("uh",), "은": (), "편": ("pyun",), "용": (), "예": ("yeh",), "경": ("kyung",), "봉": (),
    "황보": (), "남궁": ("namkung",), "제갈": ("chegal",), "선우": ("sunwoo",), "독고": ("dokko",),
    "사공": (), "서문": ("suhmoon",),
}  # fmt: skip
_TWO_SYLLABLE_SURNAMES = {surname for surname in KOREAN_SURNAMES if len(surname) == 2}

# Where the spellings of one Korean syllable differ, in the order they are folded.
_LOOSE = (("eo", "u"), ("oo", "u"), ("ou", "u"), ("wu", "u"), ("ee", "i"), ("ui", "i"), ("sh", "s"),
          ("ch", "j"), ("k", "g"), ("p", "b"), ("t", "d"))  # fmt: skip
_JAPANESE_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"))


def _is_hangul(char: str) -> bool:
    return _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def hangul_syllable(char: str) -> str:
    """One Hangul syllable in the Revised Romanisation, its final as said at the end of a syllable."""
    index = ord(char) - _HANGUL_FIRST
    return _INITIALS[index // 588] + _VOWELS[index % 588 // 28] + _FINALS[index % 28]


def loose(word: str) -> str:
    """A romanised Korean word with the differences between its usual spellings folded away."""
    for old, new in _LOOSE:
        word = word.replace(old, new)
    return word


def korean_name_parts(name: str) -> tuple[str, str]:
    """The Hangul family and given names (김민지: 김, 민지; 남궁민수: 남궁, 민수; 김 민 지: 김, 민지)."""
    parts = ["".join(char for char in part if _is_hangul(char)) for part in name.split()]
    parts = [part for part in parts if part]
    if len(parts) == 1:
        whole = parts[0]
        cut = 2 if len(whole) >= 3 and whole[:2] in _TWO_SYLLABLE_SURNAMES else 1
        parts = [whole[:cut], whole[cut:]] if len(whole) > 1 else [whole]
    return parts[0], "".join(parts[1:])


def _korean_words(name: str) -> list[str]:
    surname, given = korean_name_parts(name)
    surnames = [_romanised(surname), *KOREAN_SURNAMES.get(surname, ())]
    syllables = [hangul_syllable(char) for char in given]
    words = [*surnames]
    if given:
        words += ["".join(syllables), *syllables]
        words += [family + "".join(syllables) for family in surnames]
    return words + [loose(word) for word in words]


def _romanised(hangul: str) -> str:
    return "".join(hangul_syllable(char) for char in hangul)


# --- Japanese and the rest -------------------------------------------------------------------------


@functools.cache
def _kakasi() -> Any:
    import pykakasi  # loads its dictionaries: about half a second, once per process

    return pykakasi.kakasi()


def _is_kana(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff" or "\uff66" <= char <= "\uff9f"


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


def _japanese_readings(name: str) -> list[str]:
    """The Hepburn reading of each piece of a name in kana or kanji (佐藤花子: satou, hanako)."""
    pieces = [item for item in _kakasi().convert(name) if item["orig"].strip()]
    readings = [_ascii_word(item["hepburn"]) for item in pieces]
    return [reading for reading in readings if reading]


def _japanese_words(name: str) -> list[str]:
    readings = _japanese_readings(name)
    words = [*readings, "".join(readings)]
    return words + [_short_vowels(word) for word in words]


def _short_vowels(word: str) -> str:
    for old, new in _JAPANESE_LONG_VOWELS:
        word = word.replace(old, new)
    return word


def _ascii_word(text: str) -> str:
    """Lower-case letters and digits only: accents dropped, other scripts transliterated."""
    return "".join(char for char in anyascii(unicodedata.normalize("NFKC", text)).lower() if char.isalnum())


def _transliterated_words(name: str) -> list[str]:
    """Each word, each piece of a hyphenated word, and the words joined (Jean-Pierre Martin).

    Han characters are read as Chinese: the first as the family name, the rest as the given name.
    """
    words: list[str] = []
    wholes: list[str] = []
    for part in unicodedata.normalize("NFKC", name).split():
        if all(_is_han(char) for char in part) and len(part) > 1:
            pieces = [_ascii_word(part[0]), _ascii_word(part[1:])]
        else:
            pieces = [piece for piece in re.split(r"[^a-z0-9]+", anyascii(part).lower()) if piece]
        whole = "".join(pieces)
        words += [*pieces, whole] if len(pieces) > 1 else pieces
        wholes.append(whole)
    return [*words, "".join(wholes)]


def name_words(name: str) -> list[str]:
    """The romanised words a name is found by, most telling first, without repeats."""
    words: list[str] = []
    if any(_is_hangul(char) for char in name):
        words += _korean_words(name)
    if any(_is_kana(char) or _is_han(char) for char in name):
        words += _japanese_words(name)
    if not any(_is_kana(char) for char in name):
        words += _transliterated_words("".join(char for char in name if not _is_hangul(char)))
    return [word for word in dict.fromkeys(words) if word]


def name_readings(name: str) -> list[tuple[str, ...]]:
    """The ways a name may be read in Latin letters, each as its parts in the order written, by the rules of
    name_words: 김민지 as ("gim", "minji"), ("kim", "minji"); 佐藤 花子 as ("satou", "hanako") and, read as
    Chinese, ("zuoteng", "huazi"); "Min-ji Kim" as ("minji", "kim"). The duplicate finder compares them."""
    readings: list[tuple[str, ...]] = []
    if any(_is_hangul(char) for char in name):
        surname, given = korean_name_parts(name)
        given_latin = _romanised(given)
        for family in [_romanised(surname), *KOREAN_SURNAMES.get(surname, ())]:
            readings.append((family, given_latin) if given_latin else (family,))
    if any(_is_kana(char) or _is_han(char) for char in name):
        readings.append(tuple(_japanese_readings(name)))
    if not any(_is_kana(char) for char in name):
        readings.append(_latin_parts("".join(char for char in name if not _is_hangul(char))))
    return [reading for reading in dict.fromkeys(readings) if reading]


def _latin_parts(name: str) -> tuple[str, ...]:
    """Each word of a name in ASCII letters, its pieces joined ("Min-ji" -> "minji"); a name written in Han
    characters without spaces is read as Chinese, the first character its family name."""
    words = unicodedata.normalize("NFKC", name).split()
    if len(words) == 1 and len(words[0]) > 1 and all(_is_han(char) for char in words[0]):
        return (_ascii_word(words[0][0]), _ascii_word(words[0][1:]))
    return tuple(part for part in (_ascii_word(word) for word in words) if part)


def name_latin(name: str) -> str:
    """The stored search key of a name: its words behind spaces, cut at whole words to fit the column."""
    key = " "
    for word in name_words(name):
        if len(key) + len(word) + 1 > NAME_LATIN_LENGTH:
            break
        key += word + " "
    return key if key.strip() else ""


# --- queries ---------------------------------------------------------------------------------------


def name_query(query: str) -> list[tuple[str, ...]]:
    """Ways to read a query for a name: each is words that must all start a word of the key.

    The words as typed; all of them run together ("Kim Min Ji" -> "kimminji"); and both in the loose
    form of Korean spellings.
    """
    words = [word for word in (_ascii_word(part) for part in query.split()) if word]
    if not words:
        return []
    readings = [tuple(words)]
    if len(words) > 1:
        readings.append(("".join(words),))
    readings += [tuple(loose(word) for word in reading) for reading in readings]
    return list(dict.fromkeys(readings))


def name_matches(key: str, readings: Iterable[Sequence[str]]) -> bool:
    """What the search's SQL asks of a stored key (for tests and for checks outside the database)."""
    return any(all(f" {word}" in key for word in reading) for reading in readings)


def card_compact(value: str) -> str:
    """A card number as compared: letters and digits only, upper case ('hl 0123-456789' -> 'HL0123456789')."""
    return "".join(char for char in unicodedata.normalize("NFKC", value).upper() if char.isalnum())


def card_query(query: str) -> str | None:
    """The compact card number a query may be: 4 to 40 letters and digits, at least one a digit."""
    if "@" in query:
        return None
    compact = card_compact(query)
    if not 4 <= len(compact) <= 40 or not compact.isascii() or not any(c.isdigit() for c in compact):
        return None
    return compact


_EMAIL_CHARACTERS = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~@-]+$")


def email_fragment(query: str) -> str | None:
    """The part of an e-mail address a query may be: one word of 3 or more e-mail characters."""
    fragment = unicodedata.normalize("NFKC", query).strip().lower()
    if len(fragment) < EMAIL_FRAGMENT_MIN or not _EMAIL_CHARACTERS.match(fragment):
        return None
    return fragment


# --- phone numbers ---------------------------------------------------------------------------------

_PHONE_QUERY = re.compile(r"^\+?[\d\s\-./()]+$")


def phone_e164(digits: str, region: str) -> str | None:
    """A number (digits, maybe '+') in E.164 when it is a possible number (+country, else of `region`)."""
    try:
        number = phonenumbers.parse(digits, None if digits.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_query(query: str, region: str) -> set[str]:
    """The stored forms a query typed as a phone number may have.

    In E.164 for the business's region, and for every country where the number, typed without its
    country, is a valid one (090-1234-5678 is a Japanese mobile, found in a Korean business's file);
    typed with its country, just that. The old stored form (digits) finds numbers kept in it.
    """
    text = unicodedata.normalize("NFKC", query).strip()
    if not _PHONE_QUERY.match(text):
        return set()
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not 6 <= len(digits.lstrip("+")) <= 16:
        return set()
    forms = {digits}
    if own := phone_e164(digits, region):
        forms.add(own)
    if not digits.startswith("+"):
        forms |= _valid_anywhere(digits)
    return forms


@functools.lru_cache(maxsize=512)
def _valid_anywhere(digits: str) -> frozenset[str]:
    found = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return frozenset(found)
