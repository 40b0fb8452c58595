"""Sentences an import reports (row errors, notes), kept so that each reader gets them in their language.

A job runs in a worker, where no reader's language is active: a sentence translated there would be
stored in one language for everyone. So an import keeps each sentence as its English template (marked
with gettext_noop, or written as Message.ngettext(...), so that makemessages extracts it) and its
parameters, and translates it when it is shown. The English rendering is stored beside them, for logs,
the command line, and jobs read by older code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

# Parameters are stored in the job's JSON: plain values only (amounts as formatted strings).
Param = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Message:
    """One sentence: its template (None when it was rendered elsewhere) and parameters, and its English."""

    english: str
    template: str | None = None
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None  # the plural template; `count` chooses between the two
    count: int | None = None

    @classmethod
    def of(cls, template: str, params: Mapping[str, Param] | None = None) -> Message:
        """A sentence translated when shown; mark `template` with gettext_noop where it is written."""
        params = dict(params or {})
        return cls(_format(template, params), template, params)

    @classmethod
    def ngettext(
        cls, singular: str, plural: str, count: int, params: Mapping[str, Param] | None = None
    ) -> Message:
        """A sentence with a singular and a plural form, chosen by `count` (also a parameter) when shown.

        Named after the function it defers so that makemessages extracts the pair as one plural entry.
        """
        params = {**(params or {}), "count": count}
        return cls(_format(singular if count == 1 else plural, params), singular, params, plural, count)

    @classmethod
    def plain(cls, text: str) -> Message:
        """A sentence already rendered (by a shared service, at raise time): shown as it is."""
        return cls(text)

    @classmethod
    def stored(cls, data: object) -> Message:
        """A sentence read back from a job: a dict written by as_dict, or a bare string (older jobs)."""
        if not isinstance(data, Mapping):
            return cls.plain(str(data))
        english = str(data.get("message", ""))
        template = data.get("template")
        if not isinstance(template, str):
            return cls.plain(english)
        params = data.get("params")
        plural, count = data.get("plural"), data.get("count")
        return cls(
            english,
            template,
            dict(params) if isinstance(params, Mapping) else {},
            plural if isinstance(plural, str) else None,
            count if isinstance(count, int) else None,
        )

    def render(self) -> str:
        """The sentence in the current language (English where the catalogue has no translation)."""
        if self.template is None:
            return self.english
        if self.plural is not None and self.count is not None:
            translated = ngettext(self.template, self.plural, self.count)
        else:
            translated = gettext(self.template)
        try:
            return _format(translated, self.params)
        except (KeyError, ValueError, TypeError):
            # A translation whose placeholders do not match the template's: the English is still right.
            return self.english

    def as_dict(self) -> dict[str, object]:
        """What a job stores: the English `message`, and the template with its parameters when there is one."""
        stored: dict[str, object] = {"message": self.english}
        if self.template is not None:
            stored.update(template=self.template, params=dict(self.params))
        if self.plural is not None:
            stored.update(plural=self.plural, count=self.count)
        return stored

    def __str__(self) -> str:
        return self.english


def _format(template: str, params: Mapping[str, Param]) -> str:
    # As Django's own messages: a template without parameters is used as it is (a '%' in it stays).
    return template % params if params else template
