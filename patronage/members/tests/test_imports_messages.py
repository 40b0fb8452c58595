"""Import errors and notes: stored as English templates with parameters, shown in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

from patronage.core import clock
from patronage.members.imports import import_job_errors, import_job_notes, import_job_run, import_job_start
from patronage.members.imports.messages import Message
from patronage.members.models import ImportJob, ImportStatus

# A sentence the Korean catalogue already translates (the e-mail check of the customer file).
EMAIL_TEMPLATE = gettext_noop("'%(value)s' is not a valid e-mail address")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_job(*, errors: list[Any], notes: list[Any]) -> ImportJob:
    return ImportJob.objects.create(
        kind="customers",
        file_name="old.csv",
        status=ImportStatus.REJECTED,
        errors=errors,
        notes=notes,
        created_at=clock.now(),
    )


def test_a_stored_template_is_shown_in_the_current_language(db):
    message = Message.of(EMAIL_TEMPLATE, {"value": "kim@@example"})
    job = stored_job(errors=[{"line": 4, "field": "email", **message.as_dict()}], notes=[])

    with translation.override("ko"):
        korean = import_job_errors(job)[0]
        expected = gettext(EMAIL_TEMPLATE) % {"value": "kim@@example"}

    assert expected != "'kim@@example' is not a valid e-mail address"  # the catalogue translates it
    assert korean == [{"line": 4, "field": "email", "message": expected}]
    assert import_job_errors(job)[0][0]["message"] == "'kim@@example' is not a valid e-mail address"


def test_a_plural_note_takes_the_form_of_its_count_in_each_language(db):
    singular, plural = "… and %(counter)s more error.", "… and %(counter)s more errors."
    one = Message.ngettext(singular, plural, 1, {"counter": 1})
    two = Message.ngettext(singular, plural, 2, {"counter": 2})
    job = stored_job(errors=[], notes=[one.as_dict(), two.as_dict()])

    assert (one.english, two.english) == ("… and 1 more error.", "… and 2 more errors.")
    assert import_job_notes(job) == ["… and 1 more error.", "… and 2 more errors."]
    with translation.override("ko"):
        assert import_job_notes(job) == [
            ngettext(singular, plural, 1) % {"counter": 1},
            ngettext(singular, plural, 2) % {"counter": 2},
        ]


def test_a_job_stored_before_templates_shows_its_messages_as_they_were(db):
    job = stored_job(
        errors=[{"line": 3, "field": "email", "message": "'x' is not a valid e-mail address"}],
        notes=["2 new stores created"],
    )

    with translation.override("ko"):
        assert import_job_errors(job)[0] == [
            {"line": 3, "field": "email", "message": "'x' is not a valid e-mail address"}
        ]
        assert import_job_notes(job) == ["2 new stores created"]


def test_a_translation_that_breaks_its_placeholders_falls_back_to_english(monkeypatch):
    message = Message.of(EMAIL_TEMPLATE, {"value": "kim@@example"})
    monkeypatch.setattr("patronage.members.imports.messages.gettext", lambda text: "%(valeur)s ?")

    assert message.render() == "'kim@@example' is not a valid e-mail address"


def test_a_rejected_job_stores_english_with_the_template_and_its_parameters(db):
    job = import_job_start(
        kind="customers",
        file_name="list.csv",
        content=b"email,birth_date\nok@example.com,31/12/1990\n",
        actor=None,
        enqueue=None,
    )
    with translation.override("ko"):  # as when an eager task runs in a Korean request
        job = import_job_run(job_id=job.pk)

    assert ImportJob.objects.get(pk=job.pk).errors == [
        {
            "line": 2,
            "field": "birth_date",
            "message": "'31/12/1990' is not a date (YYYY-MM-DD)",
            "template": "'%(value)s' is not a date (YYYY-MM-DD)",
            "params": {"value": "31/12/1990"},
        }
    ]
