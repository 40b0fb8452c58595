"""A name (or description) typed in each of the business's languages: one input per language.

The main language's input is the form's plain field (`name`), required where the name is, and first;
each other language the business writes in gets an optional input after it (`name_in_ko`), labelled
"Name (한국어)". The languages are the business's choice at run time, so the inputs are added when the
form is made, not declared on the class. Cleaning gathers them into `name_translations`, as the loyalty
services take them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from patronage.core.business import business_languages
from patronage.core.names import TRANSLATIONS_SUFFIX, language_key, language_name


def language_field_name(field: str, code: str) -> str:
    """'name_in_zh_hans': a field name that is a plain identifier, for templates and element ids."""
    return f"{field}_in_{language_key(code).replace('-', '_')}"


def languages_add(form: forms.BaseForm, fields: Iterable[str]) -> None:
    """Labels each field by the main language and adds an optional input per other language after it."""
    main, *others = business_languages()
    arranged: dict[str, forms.Field] = {}
    for name, field in form.fields.items():
        arranged[name] = field
        if name not in fields:
            continue
        label = field.label
        field.label = _("%(field)s (%(language)s)") % {"field": label, "language": language_name(main)}
        for code in others:
            extra = forms.CharField(
                label=_("%(field)s (%(language)s)") % {"field": label, "language": language_name(code)},
                max_length=getattr(field, "max_length", None),
                required=False,
                disabled=field.disabled,
            )
            extra.widget.attrs["lang"] = code
            arranged[language_field_name(name, code)] = extra
        field.widget.attrs["lang"] = main
    form.fields = arranged


def translations_gather(form: forms.BaseForm, fields: Iterable[str]) -> None:
    """Moves each language's input out of `cleaned_data` into `<field>_translations` (code → text)."""
    data = form.cleaned_data
    for field in fields:
        texts: dict[str, str] = {}
        for code, _label in settings.LANGUAGES:
            name = language_field_name(field, code)
            if name in data:
                texts[code] = data.pop(name) or ""
        if any(language_field_name(field, code) in form.fields for code, _label in settings.LANGUAGES):
            data[field + TRANSLATIONS_SUFFIX] = texts


def translations_initial(obj: Any, fields: Iterable[str]) -> dict[str, str]:
    """The inputs' initial values from a saved record's translations, for every language it has."""
    initial: dict[str, str] = {}
    for field in fields:
        texts: Mapping[str, str] = getattr(obj, field + TRANSLATIONS_SUFFIX, None) or {}
        for code, text in texts.items():
            initial[language_field_name(field, code)] = text
    return initial


def field_of_error(name: str) -> str:
    """The input a service's error names: 'name_translations.ko' is the Korean name's input."""
    field, dot, code = name.partition(".")
    if dot and field.endswith(TRANSLATIONS_SUFFIX):
        return language_field_name(field.removesuffix(TRANSLATIONS_SUFFIX), code)
    return name
