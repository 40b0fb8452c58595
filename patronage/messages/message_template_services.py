"""A business's own wording of its messages: reading the current text of a kind in a language, checking,
saving and resetting it, previewing it with the kind's sample values, and the delivery log's query.

A template may use only its kind's variables and the common ones (name, business); one that reads any
other, or does not parse, is refused with every problem at once, each on its part (decision 0024).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template import TemplateSyntaxError
from django.urls import reverse
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages, business_name, business_zone
from patronage.core.errors import ValidationFailed
from patronage.core.message_kinds import message_kind_get, message_kinds
from patronage.core.models import User
from patronage.core.names import language_key
from patronage.messages.message_render import template_variables
from patronage.messages.message_services import (
    COMMON_VARIABLES,
    TEMPLATE_DIR,
    Parts,
    parts_render,
    template_sources,
)
from patronage.messages.models import Message, MessageChannel, MessageTemplate

SUBJECT_MAX = 300
# The form's fields, by the part of the template they hold.
FIELDS = {"subject": "subject", "txt": "text_body", "html": "html_body"}


@dataclass(frozen=True)
class TemplateText:
    """What a kind says in one language and channel: the business's edited text, or the shipped one."""

    kind: str
    language: str
    channel: str
    subject: str
    text_body: str
    html_body: str
    edited: bool
    # The language the text is written in: another one when the product ships none in `language`.
    written_in: str


@dataclass(frozen=True)
class TemplateState:
    """One cell of Settings → Messages: a kind in a language, edited or shipped."""

    language: str
    edited: bool
    shipped: bool


def template_languages() -> list[str]:
    """The business's languages, as settings.LANGUAGES writes them, the main one first, each once."""
    return list(dict.fromkeys(language_key(code) for code in business_languages()))


def template_overview(*, channel: str = MessageChannel.EMAIL) -> list[tuple[Any, list[TemplateState]]]:
    """Every registered kind with, for each of the business's languages, whether the business edited it."""
    edited = set(MessageTemplate.objects.filter(channel=channel).values_list("kind", "language"))
    languages = template_languages()
    return [
        (
            kind,
            [
                TemplateState(
                    language=language,
                    edited=(code, language) in edited,
                    shipped=(TEMPLATE_DIR / code / f"{language}.txt").is_file(),
                )
                for language in languages
            ],
        )
        for code, kind in message_kinds().items()
    ]


def template_text(*, kind: str, language: str, channel: str = MessageChannel.EMAIL) -> TemplateText:
    """The text a message of `kind` in `language` is written from now (KeyError for an unknown kind)."""
    message_kind_get(kind)
    try:
        found, sources = template_sources(kind=kind, channel=channel, language=language)
    except LookupError:
        found, sources = language, {"subject": "", "txt": "", "html": ""}
    edited = MessageTemplate.objects.filter(kind=kind, channel=channel, language=language).exists()
    return TemplateText(
        kind=kind,
        language=language,
        channel=channel,
        subject=sources["subject"].strip(),
        text_body=sources["txt"],
        html_body=sources["html"],
        edited=edited,
        written_in=found,
    )


def template_check(*, kind: str, subject: str, text_body: str, html_body: str) -> None:
    """Refuses a template that does not parse or reads a variable its kind does not have, naming every
    problem on its field at once (ValidationFailed)."""
    allowed = set(message_kind_get(kind).variables) | set(COMMON_VARIABLES)
    problems: list[tuple[str, str]] = []
    if not subject.strip():
        problems.append(("subject", _("A subject is required.")))
    elif len(subject) > SUBJECT_MAX:
        problems.append(("subject", _("The subject is at most %(max)d characters.") % {"max": SUBJECT_MAX}))
    if not text_body.strip():
        problems.append(("text_body", _("The text is required: every e-mail has a plain-text part.")))
    for field, source in (("subject", subject), ("text_body", text_body), ("html_body", html_body)):
        if not source.strip():
            continue
        try:
            used = template_variables(source)
        except TemplateSyntaxError as error:
            problems.append((field, _("The template does not parse: %(error)s") % {"error": error}))
            continue
        for name in sorted(used - allowed):
            problems.append(
                (
                    field,
                    _("Unknown variable “%(name)s”: this message may use %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(sorted(allowed))},
                )
            )
    if problems:
        raise ValidationFailed.every(problems)


def template_save(
    *,
    actor: User | None,
    kind: str,
    language: str,
    subject: str,
    text_body: str,
    html_body: str,
    channel: str = MessageChannel.EMAIL,
) -> MessageTemplate:
    """Checks and saves the business's text of a kind in a language; the next message queued uses it."""
    template_check(kind=kind, subject=subject, text_body=text_body, html_body=html_body)
    with transaction.atomic():
        template, _created = MessageTemplate.objects.update_or_create(
            kind=kind,
            channel=channel,
            language=language,
            defaults={
                "subject": subject.strip(),
                "text_body": text_body,
                "html_body": html_body,
                "updated_by": actor,
                "updated_at": clock.now(),
            },
        )
        audit_change(
            actor=actor, action="message_template.saved", target=template, kind=kind, language=language
        )
    return template


def template_reset(
    *, actor: User | None, kind: str, language: str, channel: str = MessageChannel.EMAIL
) -> bool:
    """Deletes the business's text, so the shipped one is used again; False when there was none."""
    message_kind_get(kind)
    with transaction.atomic():
        template = MessageTemplate.objects.filter(kind=kind, channel=channel, language=language).first()
        if template is None:
            return False
        audit_change(
            actor=actor, action="message_template.reset", target=template, kind=kind, language=language
        )
        template.delete()
    return True


def template_preview(*, kind: str, language: str, subject: str, text_body: str, html_body: str) -> Parts:
    """The message as a member would get it, rendered from these texts (saved or not) with the kind's
    sample values, by the render function the queue uses; refuses the texts as template_check does."""
    template_check(kind=kind, subject=subject, text_body=text_body, html_body=html_body)
    spec = message_kind_get(kind)
    context = {**COMMON_VARIABLES, "business": business_name() or COMMON_VARIABLES["business"]}
    context.update(spec.variables)
    sample_link = settings.MESSAGES_BASE_URL.rstrip("/") + reverse("messaging:unsubscribe", args=["sample"])
    unsubscribe = sample_link if spec.refusable else ""
    return parts_render(
        language=language,
        sources={"subject": subject, "txt": text_body, "html": html_body},
        context=context,
        zone=business_zone(),
        unsubscribe=unsubscribe,
    )


def message_log(*, kind: str = "", status: str = "") -> QuerySet[Message]:
    """The delivery log, newest first, optionally one kind's or one status's messages."""
    messages = Message.objects.select_related("member", "staff").order_by("-id")
    if kind:
        messages = messages.filter(kind=kind)
    if status:
        messages = messages.filter(status=status)
    return messages
