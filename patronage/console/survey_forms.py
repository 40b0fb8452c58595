"""The forms of the survey pages: the builder (the survey's words in each of the business's languages, and a
repeated block per question), the try-as-a-customer answers, invitations (a pasted list, or the customer
list's filters) and the closed-loop rules.

They shape input; feedback.survey_services decides what is valid, and each of its errors goes on the input it
names: `questions[2].choices[0].text_translations.ko` is the third question's Korean choices box. The builder
works without a script: "Add question", "Remove" and the arrows are submit buttons that return the page with
the questions changed, nothing saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from patronage.care.models import Severity
from patronage.console.forms import MemberSearchForm
from patronage.console.loyalty_forms.base import FIRST_DATE, LAST_DATE, LoyaltyForm, fresh_key
from patronage.console.loyalty_forms.names import field_of_error, language_field_name, translations_initial
from patronage.core.business import business_languages
from patronage.core.errors import ApplicationError
from patronage.feedback.models import LoopRuleKind, Question, Survey, SurveyTrigger
from patronage.feedback.questions import CHOICES, SCALED, TEXT_LENGTH, TEXT_LENGTH_LIMIT, QuestionType
from patronage.feedback.survey_services import (
    CHOICE_TEXT_MAX,
    CHOICES_MAX,
    INTRO_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    QUESTION_TEXT_MAX,
    QUESTIONS_MAX,
    REVIEW_URL_MAX,
    SEVERITIES,
    THROTTLE_DAYS_MAX,
    TITLE_MAX,
    ChoiceInput,
    QuestionInput,
    SurveyInput,
)
from patronage.loyalty.models import Program, Tier

QUESTION_TYPES = [
    (QuestionType.NPS.value, _("NPS: how likely to recommend us, 0 to 10")),
    (QuestionType.CSAT.value, _("CSAT: how satisfied, 1 to 5")),
    (QuestionType.CES.value, _("CES: how easy, 1 to 7")),
    (QuestionType.RATING.value, _("Rating on a scale you set")),
    (QuestionType.SINGLE_CHOICE.value, _("One choice")),
    (QuestionType.MULTIPLE_CHOICE.value, _("Several choices")),
    (QuestionType.TEXT.value, _("Free text")),
]
CONDITIONS = [("at_most", _("is at most")), ("at_least", _("is at least")), ("any_of", _("is one of"))]
# A choice per line, "id | text"; a box of choices holds at most CHOICES_MAX of them.
CHOICE_LINE = "|"
CHOICES_CHARS = CHOICES_MAX * (CHOICE_TEXT_MAX + 50)
WHOLE_NUMBER = re.compile(r"-?\d{1,6}")
# Pasted lists: one per line, or separated by commas or semicolons.
SEPARATORS = re.compile(r"[,;\r\n]+")
INVITE_MAX = 1000
LIST_MAX_CHARS = 200_000
BATCH_KEY = RegexValidator(r"^[A-Za-z0-9_-]{1,64}$", _("Reload the page and send the form again."))


def _listed(text: str) -> list[str]:
    return [item.strip() for item in SEPARATORS.split(text or "") if item.strip()]


def _textarea(field: forms.Field, rows: int, language: str = "") -> None:
    field.widget = forms.Textarea(attrs={"rows": rows, **({"lang": language} if language else {})})


# --- the builder ---------------------------------------------------------------------------------------


class SurveyForm(LoyaltyForm):
    """The survey's own settings: its title and introduction in each language, what sends it, the throttle."""

    id_prefix = "survey"
    in_languages = ("title", "intro")

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=INTRO_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the first question."),
    )
    trigger = forms.ChoiceField(
        label=_("Sent"),
        choices=SurveyTrigger.choices,
        required=False,
        help_text=_(
            "After an event, an open survey invites the customer by itself; one open survey per event."
        ),
    )
    throttle_days = forms.IntegerField(
        label=_("Days between surveys"),
        min_value=0,
        max_value=THROTTLE_DAYS_MAX,
        initial=30,
        help_text=_("A customer asked to answer any survey within this many days is not invited again."),
    )

    def __init__(self, *args: Any, structure: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in business_languages()[1:]:
            _textarea(self.fields[language_field_name("intro", code)], 3, code)
        if not structure:
            self.fields["trigger"].disabled = True


class QuestionForm(LoyaltyForm):
    """One question of the builder: its words in each language, and (in a draft) its type, choices, scale
    and the condition that shows it."""

    in_languages = ("text", "choices")

    key = forms.CharField(
        label=_("Id"),
        max_length=40,
        required=False,
        help_text=_("The question's id in the API and the results, such as nps or why."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=QUESTION_TYPES)
    text = forms.CharField(label=_("Question"), max_length=QUESTION_TEXT_MAX)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        max_length=CHOICES_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a choice question: one per line, its id, a bar and its words, such as “price | The price”. "
            "In another language, the same ids."
        ),
    )
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"),
        min_value=1,
        max_value=TEXT_LENGTH_LIMIT,
        required=False,
        help_text=_("For free text."),
    )
    scale_low = forms.IntegerField(label=_("Scale from"), min_value=0, max_value=10, required=False)
    scale_high = forms.IntegerField(label=_("to"), min_value=0, max_value=10, required=False)
    show_if = forms.ChoiceField(label=_("Show"), required=False)
    show_how = forms.ChoiceField(label=_("when its answer"), choices=CONDITIONS, required=False)
    show_value = forms.CharField(
        label=_("Answer"),
        max_length=200,
        required=False,
        help_text=_("A number; for “is one of”, the answers separated by commas (9, 10 or choice ids)."),
    )

    STRUCTURE = (
        "key",
        "type",
        "required",
        "max_length",
        "scale_low",
        "scale_high",
        "show_if",
        "show_how",
        "show_value",
    )

    def __init__(
        self,
        *args: Any,
        earlier: Sequence[tuple[str, str, str]] = (),
        structure: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for code in business_languages()[1:]:
            _textarea(self.fields[language_field_name("choices", code)], 4, code)
        self._types = {key: kind for key, _label, kind in earlier}
        options = [
            ("", _("always")),
            *((key, _("when “%(question)s”") % {"question": label}) for key, label, _kind in earlier),
        ]
        chosen = str(self["show_if"].value() or "")
        if chosen and chosen not in self._types:
            # A condition on a question no longer before this one: kept, so the builder names the problem.
            options.append((chosen, chosen))
        cast(forms.ChoiceField, self.fields["show_if"]).choices = options
        if not structure:
            for name in self.STRUCTURE:
                self.fields[name].disabled = True

    def structure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("type", "key", "required")]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name == "text" or name.startswith("text_in_")]

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name == "choices" or name.startswith("choices_in_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        main = self._choices_parsed("choices", data.get("choices") or "")
        given = data.get("choices_translations") or {}
        translations: dict[str, dict[str, str]] = {}
        for code, text in given.items():
            translations[code] = self._translations_parsed(code, text or "", main)
        data["choice_inputs"] = [
            ChoiceInput(
                id=choice_id,
                text=text,
                text_translations={
                    code: texts[choice_id] for code, texts in translations.items() if choice_id in texts
                },
            )
            for choice_id, text in main
        ]
        data["shown_when"] = self._condition(data)
        return data

    def _choices_parsed(self, name: str, text: str) -> list[tuple[str, str]]:
        """'id | words' per line; a line without the bar is words whose id the survey makes up (c1, c2...)."""
        parsed = []
        for line in text.splitlines():
            if not line.strip():
                continue
            choice_id, bar, words = line.partition(CHOICE_LINE)
            parsed.append((choice_id.strip(), words.strip()) if bar else ("", line.strip()))
        return parsed

    def _translations_parsed(self, code: str, text: str, main: list[tuple[str, str]]) -> dict[str, str]:
        """A language's choices by the main choices' ids: by id where a line gives one, else by its place."""
        ids = [choice_id for choice_id, _words in main]
        texts: dict[str, str] = {}
        for place, (choice_id, words) in enumerate(self._choices_parsed(code, text)):
            target = choice_id or (ids[place] if place < len(ids) else "")
            if target not in ids or not target:
                self.add_error(
                    language_field_name("choices", code),
                    _("“%(line)s” is not one of the choices above: give the same ids.")
                    % {"line": f"{choice_id} {CHOICE_LINE} {words}" if choice_id else words},
                )
                continue
            texts[target] = words
        # An emptied box takes the language's words away, as an emptied name does.
        return {choice_id: texts.get(choice_id, "") for choice_id in ids}

    def _condition(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        source = data.get("show_if") or ""
        if not source:
            return None
        how = data.get("show_how") or "at_most"
        value = (data.get("show_value") or "").strip()
        if how in ("at_most", "at_least"):
            if not WHOLE_NUMBER.fullmatch(value):
                self.add_error("show_value", _("Give a whole number."))
                return None
            return {"question": source, how: int(value)}
        values: list[int | str] = []
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            scale = self._types.get(source) in SCALED
            values.append(int(item) if scale and WHOLE_NUMBER.fullmatch(item) else item)
        if not values:
            self.add_error("show_value", _("Give the answers it is shown for, separated by commas."))
            return None
        return {"question": source, "any_of": values}

    def question_input(self) -> QuestionInput:
        data = self.cleaned_data
        kind = data["type"]
        low, high = data.get("scale_low"), data.get("scale_high")
        return QuestionInput(
            type=kind,
            key=data.get("key") or "",
            text=data["text"],
            text_translations=data.get("text_translations") or {},
            required=bool(data.get("required")),
            # Choices and a scale belong to some types only: a box left filled under another type is ignored.
            choices=data["choice_inputs"] if kind in CHOICES else (),
            scale=(low, high)
            if kind == QuestionType.RATING and low is not None and high is not None
            else None,
            max_length=data.get("max_length") or TEXT_LENGTH,
            shown_when=data.get("shown_when"),
        )


class BaseQuestionFormSet(forms.BaseFormSet):
    """The questions in order. Each form offers, for its condition, the questions before it."""

    def __init__(self, *args: Any, structure: bool = True, **kwargs: Any) -> None:
        self.structure = structure
        kwargs.setdefault("prefix", "q")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        count = index if index is not None else self.total_form_count()
        # Every question is checked, an unchanged one too: none is an optional extra row.
        return {
            "earlier": [self._summary(place) for place in range(count)],
            "structure": self.structure,
            "empty_permitted": False,
        }

    def _value(self, index: int, name: str) -> str:
        # An opened survey's structure comes from what is stored (its inputs are disabled), a draft's from
        # what was typed.
        if self.is_bound and (self.structure or name == "text"):
            return str(self.data.get(f"{self.add_prefix(index)}-{name}") or "")
        rows = self.initial or []
        return str(rows[index].get(name) or "") if index < len(rows) else ""

    def _summary(self, index: int) -> tuple[str, str, str]:
        key = self._value(index, "key") or f"q{index + 1}"
        text = self._value(index, "text")
        label = f"{index + 1}. {text[:60]}" if text else f"{index + 1}. {key}"
        return key, label, self._value(index, "type")

    def survey_questions(self) -> list[QuestionInput]:
        return [cast(QuestionForm, form).question_input() for form in self.forms]


_QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    max_num=QUESTIONS_MAX,
    absolute_max=QUESTIONS_MAX,
    validate_max=True,
)


def question_formset(
    data: QueryDict | None = None,
    *,
    initial: Sequence[Mapping[str, Any]] | None = None,
    structure: bool = True,
) -> BaseQuestionFormSet:
    """The builder's questions: typed (`data`), or shown from `initial` (one form each)."""
    made = cast(Any, _QuestionFormSet)(data, initial=initial, structure=structure)
    return cast(BaseQuestionFormSet, made)


def survey_input(form: SurveyForm, questions: BaseQuestionFormSet) -> SurveyInput:
    data = form.cleaned_data
    return SurveyInput(
        title=data["title"],
        title_translations=data.get("title_translations") or {},
        intro=data.get("intro") or "",
        intro_translations=data.get("intro_translations") or {},
        trigger=data.get("trigger") or "",
        throttle_days=data["throttle_days"],
        questions=questions.survey_questions(),
    )


def survey_initial(survey: Survey) -> dict[str, Any]:
    return {
        "title": survey.title,
        "intro": survey.intro,
        "trigger": survey.trigger,
        "throttle_days": survey.throttle_days,
        **translations_initial(survey, ("title", "intro")),
    }


def question_initial(question: Question) -> dict[str, Any]:
    """A stored question as the builder's inputs show it."""
    condition = question.shown_when or {}
    how = next((name for name in ("any_of", "at_least", "at_most") if name in condition), "")
    value = condition.get(how)
    lines: dict[str, list[str]] = {}
    for choice in question.choices:
        for code, words in (choice.get("text_translations") or {}).items():
            lines.setdefault(code, []).append(f"{choice['id']} {CHOICE_LINE} {words}")
    return {
        "key": question.key,
        "type": question.type,
        "text": question.text,
        "required": question.required,
        "choices": "\n".join(f"{c['id']} {CHOICE_LINE} {c['text']}" for c in question.choices),
        "max_length": question.max_length,
        "scale_low": question.scale_low,
        "scale_high": question.scale_high,
        "show_if": condition.get("question", ""),
        "show_how": how,
        "show_value": ", ".join(str(v) for v in value) if isinstance(value, list) else value,
        **translations_initial(question, ("text",)),
        **{language_field_name("choices", code): "\n".join(texts) for code, texts in lines.items()},
    }


def new_question(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An empty question after `rows`, with an id none of them has: the first an NPS, later ones free text."""
    taken = {str(row.get("key") or "") for row in rows}
    number = len(rows) + 1
    while f"q{number}" in taken:
        number += 1
    kind = QuestionType.NPS if not rows else QuestionType.TEXT
    return {
        "key": f"q{number}",
        "type": kind.value,
        "text": "",
        "required": not rows,
        "max_length": TEXT_LENGTH,
    }


def question_rows(questions: BaseQuestionFormSet) -> list[dict[str, Any]]:
    """What each question's inputs hold, as initial values, to show the builder again rearranged."""
    return [{name: form[name].value() for name in form.fields} for form in questions.forms]


def rows_rearranged(rows: list[dict[str, Any]], action: str) -> list[dict[str, Any]] | None:
    """The questions after "add", "remove:2", "up:2" or "down:2"; None for another action (save)."""
    verb, _colon, place = action.partition(":")
    if verb == "add":
        return [*rows, new_question(rows)] if len(rows) < QUESTIONS_MAX else rows
    if verb not in ("remove", "up", "down") or not place.isdigit() or int(place) >= len(rows):
        return None
    index = int(place)
    changed = list(rows)
    if verb == "remove":
        del changed[index]
    elif verb == "up" and index > 0:
        changed[index - 1], changed[index] = changed[index], changed[index - 1]
    elif verb == "down" and index + 1 < len(changed):
        changed[index + 1], changed[index] = changed[index], changed[index + 1]
    return changed


_QUESTION_FIELD = re.compile(r"questions\[(\d+)\]\.([a-z_]+)(.*)")
_PARTS = {
    "type": "type",
    "key": "key",
    "id": "key",
    "text": "text",
    "choices": "choices",
    "scale": "scale_low",
    "shown_when": "show_value",
    "required": "required",
    "max_length": "max_length",
}


def builder_errors(form: SurveyForm, questions: BaseQuestionFormSet, error: ApplicationError) -> list[str]:
    """Puts each of the service's errors on the input it names; returns those about the questions as a
    whole (or about nothing on the page), for the top of the questions."""
    loose: list[str] = []
    for item in error.errors or [{"field": error.field or "", "message": error.message}]:
        name, message = item.get("field") or "", item.get("message") or error.message
        found = _QUESTION_FIELD.fullmatch(name)
        if found is None:
            target = field_of_error(name)
            if target in form.fields and not form.fields[target].disabled:
                form.add_error(target, message)
            else:
                loose.append(message)
            continue
        index, part = int(found[1]), found[2]
        language = re.search(r"text_translations\.([A-Za-z_-]+)$", name)
        if part == "text_translations" and language:
            place: str | None = language_field_name("text", language[1])
        elif part == "choices" and language:
            place = language_field_name("choices", language[1])
        else:
            place = _PARTS.get(part)
        if index < len(questions.forms) and place in questions.forms[index].fields:
            questions.forms[index].add_error(place, message)
        else:
            loose.append(message)
    return loose


# --- trying the survey as a customer -------------------------------------------------------------------


def answers_from_post(questions: Sequence[Question], data: QueryDict) -> dict[str, object]:
    """The answers a try posts, as feedback.questions takes them: a scale's point as a number, several
    choices as a list; left empty, no answer. What is not a whole number is passed on as typed, for the
    rules to refuse on its question."""
    answers: dict[str, object] = {}
    for question in questions:
        name = f"answer-{question.key}"
        if question.type == QuestionType.MULTIPLE_CHOICE:
            chosen = [value for value in data.getlist(name) if value]
            if chosen:
                answers[question.key] = chosen
            continue
        value = data.get(name, "")
        if question.type in SCALED:
            value = value.strip()
            if value:
                answers[question.key] = int(value) if WHOLE_NUMBER.fullmatch(value) else value
        elif value.strip():
            answers[question.key] = value
    return answers


# --- distribution and the closed loop ------------------------------------------------------------------


def _batch_key() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, max_length=64, validators=[BATCH_KEY], initial=fresh_key)


class InviteListForm(forms.Form):
    """Customers pasted by number or e-mail address: each gets one invitation, however often it is sent."""

    people = forms.CharField(
        label=_("Customers"),
        max_length=LIST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Customer numbers (as #1234 on their page) or e-mail addresses, one per line; 1,000 at most."
        ),
    )
    key = _batch_key()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "invite_list_%s")
        super().__init__(*args, **kwargs)

    def clean_people(self) -> list[str]:
        items = list(dict.fromkeys(_listed(self.cleaned_data.get("people") or "")))
        if not items:
            raise forms.ValidationError(_("Give at least one customer."))
        if len(items) > INVITE_MAX:
            raise forms.ValidationError(
                _("At most %(max)s customers at once; %(count)s given."),
                params={"max": f"{INVITE_MAX:,}", "count": f"{len(items):,}"},
            )
        return items


class InviteFilterForm(MemberSearchForm):
    """Every active customer the customer list shows for these filters (at least one of them)."""

    FILTERS = ("q", "tier", "city", "tag", "source", "joined_from", "joined_to")

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, tiers: Sequence[tuple[Program, Sequence[Tier]]] = ()
    ):
        super().__init__(data, programs=(), tiers=tiers)
        self.auto_id = "invite_filter_%s"
        for name in ("sort", "status", "program"):
            self.fields.pop(name, None)
        self.fields["key"] = _batch_key()
        # Sending, unlike listing, takes only dates a business can have customers joining on.
        first, last = FIRST_DATE.date(), LAST_DATE.date()
        for name in ("joined_from", "joined_to"):
            field = self.fields[name]
            field.validators = [*field.validators, MinValueValidator(first), MaxValueValidator(last)]
            field.widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in self.FILTERS):
            raise forms.ValidationError(_("Choose at least one filter: a city, a tier, a tag..."))
        return data


class LoopRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("When a response has"), choices=LoopRuleKind.choices)
    keywords = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=KEYWORDS_MAX * (KEYWORD_MAX + 2),
        help_text=_("For a keyword rule: the words, separated by commas, such as refund, rude, broken."),
    )
    severity = forms.ChoiceField(
        label=_("Severity of the case"),
        choices=[(value, label) for value, label in Severity.choices if value in SEVERITIES],
        initial=Severity.MAJOR,
        help_text=_("For the rules that open a case."),
    )
    # Checked as a web address by the service, which names the field: the form keeps what was typed.
    review_url = forms.CharField(
        label=_("Review link"),
        required=False,
        max_length=REVIEW_URL_MAX,
        help_text=_("For a promoter rule: where they can leave a review, such as your page on a map."),
    )
    ask_referral = forms.BooleanField(
        label=_("Ask them to bring a friend"),
        required=False,
        help_text=_("For a promoter rule: says how many points a referral earns, when a program gives some."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rule_%s")
        super().__init__(*args, **kwargs)

    def clean_keywords(self) -> list[str]:
        return _listed(self.cleaned_data.get("keywords") or "")

    def add_service_error(self, error: ApplicationError) -> None:
        for item in error.errors:
            if item["field"] in self.fields:
                self.add_error(item["field"], item["message"])
