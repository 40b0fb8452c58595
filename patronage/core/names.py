"""Names written in each of the business's languages, read in the reader's (decision 0021).

A record keeps its name in the business's main language in `name` (what sorting, search and the API's
`name` use) and its other languages in `name_translations`, a dict from language code to text; the
same for `description`. Pure: no database. The reader's language is Django's active one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

TRANSLATIONS_SUFFIX = "_translations"


def language_key(language: str | None) -> str:
    """'zh-hans' from 'zh-Hans', 'zh_Hans' or 'ZH-HANS': the form settings.LANGUAGES writes codes in."""
    return (language or "").strip().replace("_", "-").lower()


def product_language(language: str | None) -> str | None:
    """The language of settings.LANGUAGES that serves `language` (itself, else its family: 'ja' for
    'ja-JP'); None when the product does not speak it."""
    known = {code for code, _name in settings.LANGUAGES}
    wanted = language_key(language)
    return next((code for code in (wanted, wanted.split("-")[0]) if code in known), None)


def text_in_language(main: str, translations: Mapping[str, Any] | None, language: str | None) -> str:
    """The text in `language`, else in a language of the same family ('ja' for 'ja-jp'), else `main`.

    A translation left empty or not text is no translation: the reader gets the main language's text
    rather than a blank where a name should be.
    """
    wanted = language_key(language)
    if not wanted or not translations:
        return main
    found = _usable(translations.get(wanted))
    if found is None:
        family = wanted.split("-")[0]
        found = next(
            (
                text
                for code, value in translations.items()
                if language_key(code).split("-")[0] == family and (text := _usable(value)) is not None
            ),
            None,
        )
    return found if found is not None else main


def _usable(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def in_reader_language(obj: Any, field: str) -> str:
    """`obj.<field>` in the active language, from `obj.<field>_translations`; the main language's text as
    the fallback, and "" for no object (a member without a tier)."""
    if obj is None:
        return ""
    main = getattr(obj, field, "") or ""
    return text_in_language(str(main), getattr(obj, field + TRANSLATIONS_SUFFIX, None), get_language())


def language_name(code: str) -> str:
    """The language as its own speakers write it: '한국어', '日本語', '简体中文'; the code if Django has none."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def translations_clean(
    texts: Mapping[str, Any] | None, *, field: str, languages: Iterable[str], max_length: int
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The translations given, stripped, and a problem per bad one (its field named `<field>.<code>`).

    An empty text stays in the answer: it removes that language's text when merged (an emptied box in a
    form takes the translation away).
    """
    known = {language_key(code) for code in languages}
    kept: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for code, value in (texts or {}).items():
        key, place = language_key(code), f"{field}.{code}"
        if key not in known:
            problems.append(
                (
                    place,
                    _("'%(code)s' is not one of the languages: %(known)s")
                    % {"code": code, "known": ", ".join(sorted(known))},
                )
            )
        elif not isinstance(value, str):
            problems.append((place, _("must be text")))
        elif len(value.strip()) > max_length:
            problems.append((place, _("at most %(max)d characters") % {"max": max_length}))
        elif "\x00" in value:
            problems.append((place, _("must not contain a NUL character")))
        else:
            kept[key] = value.strip()
    return kept, problems


def translations_merge(
    stored: Mapping[str, Any] | None, given: Mapping[str, str], *, main_language: str
) -> dict[str, str]:
    """The stored translations with the given ones written over them; languages not given keep their
    text, an empty one removes its language.

    The main language's text is the record's plain field, so a translation in it is dropped rather than
    kept twice and left to disagree (the business may have changed its main language since).
    """
    merged = {language_key(code): text for code, text in (stored or {}).items() if isinstance(text, str)}
    merged.update(given)
    main = language_key(main_language)
    return {code: text for code, text in sorted(merged.items()) if text and code != main}
