"""The forms of the segments pages: a segment (its name and description in each of the business's languages,
its kind, its rules as the builder's JSON in a hidden field) and a static list's CSV upload. They shape
input; segments.services decides what is valid.

The rules' errors name paths (`rules.all.1.value`); a person sees rows, numbered in reading order, so each
path is turned into the number of the row it is about (`rule_rows`) both here and in segment_builder.js.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.console.loyalty_forms.base import LoyaltyForm
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.errors import ApplicationError
from patronage.core.names import in_reader_language
from patronage.loyalty.models import Benefit
from patronage.segments.models import Segment, SegmentKind
from patronage.segments.services import SegmentInput
from patronage.segments.treatment_services import TreatmentInput

# A list of the most customers a list holds (services.LIST_MAX), each a long e-mail, fits well within this.
LIST_FILE_MAX = 10 * 1024 * 1024


@dataclass(frozen=True)
class RuleProblem:
    """A problem with the rules: the path the service named, the row it is about (None: the whole set)."""

    path: str
    row: int | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "row": self.row, "message": self.message}


def rule_rows(data: Any, path: str = "rules") -> list[str]:
    """The path of every condition of the (unchecked) tree, in reading order: row 1 is the first."""
    if not isinstance(data, dict):
        return []
    if "field" in data or "op" in data:
        return [path]
    rows: list[str] = []
    for op, inner in data.items():
        if op == "not":
            rows += rule_rows(inner, f"{path}.not")
        elif isinstance(inner, list):
            for index, child in enumerate(inner):
                rows += rule_rows(child, f"{path}.{op}.{index}")
    return rows


def rule_problems(data: Any, error: ApplicationError) -> list[RuleProblem]:
    """The error's problems with the rules, each with the row it names."""
    rows = rule_rows(data)
    problems = []
    for item in error.errors or []:
        path = item.get("field") or ""
        if path != "rules" and not path.startswith("rules."):
            continue
        row = next(
            (number for number, row in enumerate(rows, 1) if path == row or path.startswith(row + ".")), None
        )
        problems.append(RuleProblem(path, row, item.get("message") or error.message))
    return problems


# Far deeper than any tree the builder writes (rules.DEPTH_MAX groups), shallow enough to walk safely.
RULES_JSON_DEPTH = 40


def rules_parse(text: str) -> Any:
    """The builder's JSON; None for none. Raises ValueError for text that is not JSON, or nested deeper
    than any rules (a crafted field must not exhaust the recursion that reads it)."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise ValueError("the rules are nested too deep") from error
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > RULES_JSON_DEPTH:
            raise ValueError("the rules are nested too deep")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children)
    return data


class SegmentForm(LoyaltyForm):
    """A segment: what it is called and why, kept by rules or a list. Its code and kind are fixed once it
    exists (other segments and campaigns name it)."""

    id_prefix = "segment"
    in_languages = ("name", "description")

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("Lower-case letters, digits, - or _: how the API and campaigns name it."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Who is in it"),
        choices=SegmentKind.choices,
        initial=SegmentKind.RULES,
        widget=forms.RadioSelect,
    )
    rules = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, segment: Segment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_problems: list[RuleProblem] = []
        if segment is not None:
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True

    def clean_rules(self) -> Any:
        try:
            return rules_parse(self.cleaned_data.get("rules") or "")
        except ValueError as error:
            raise forms.ValidationError(_("The rules could not be read: build them again.")) from error

    def segment_input(self) -> SegmentInput:
        data = self.cleaned_data
        rules_kept = data["kind"] == SegmentKind.RULES
        return SegmentInput(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            rules=data.get("rules") if rules_kept else None,
            description=data.get("description") or "",
            name_translations=data.get("name_translations") or {},
            description_translations=data.get("description_translations") or {},
        )

    def add_service_error(self, error: ApplicationError) -> None:
        """Each field's problem on its input; the rules' problems kept for the rows they name."""
        super().add_service_error(error)
        self.rule_problems = rule_problems(self.cleaned_data.get("rules"), error)
        if self.rule_problems and "rules" not in self.errors:
            whole = [problem.message for problem in self.rule_problems if problem.row is None]
            self.add_error("rules", whole or [_("Some conditions are not right: see the marked rows.")])


def segment_initial(segment: Segment) -> dict[str, Any]:
    """The form's values from a saved segment, its rules as the builder reads them."""
    return {
        "code": segment.code,
        "name": segment.name,
        "description": segment.description,
        "kind": segment.kind,
        "rules": json.dumps(segment.rules) if segment.rules else "",
        **translations_initial(segment, ("name", "description")),
    }


class TreatmentForm(LoyaltyForm):
    """The one-to-one class's own offer: a benefit and a welcome message for each member who enters."""

    id_prefix = "treatment"
    in_languages = ("welcome_subject", "welcome_body")

    benefit = forms.ChoiceField(
        label=gettext_lazy("Benefit given on entering"),
        required=False,
        help_text=gettext_lazy("Given to members of the benefit's program; others get the message alone."),
    )
    welcome_subject = forms.CharField(label=gettext_lazy("Welcome subject"), max_length=200, required=False)
    welcome_body = forms.CharField(
        label=gettext_lazy("Welcome message"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Sent by e-mail to those who agreed to hear from you; empty: no welcome."),
    )

    def __init__(self, *args: Any, benefits: list[Benefit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.benefits = {str(benefit.pk): benefit for benefit in benefits}
        self._choices_set(
            "benefit",
            [
                ("", _("No benefit")),
                *(
                    (
                        key,
                        f"{in_reader_language(benefit.program, 'name')}: {in_reader_language(benefit, 'name')}",
                    )
                    for key, benefit in self.benefits.items()
                ),
            ],
        )

    def treatment_input(self) -> TreatmentInput:
        data = self.cleaned_data
        return TreatmentInput(
            benefit=self.benefits.get(data.get("benefit") or ""),
            welcome_subject=data.get("welcome_subject") or "",
            welcome_body=data.get("welcome_body") or "",
            welcome_subject_translations=data.get("welcome_subject_translations") or {},
            welcome_body_translations=data.get("welcome_body_translations") or {},
        )


def treatment_initial(segment: Segment) -> dict[str, Any]:
    return {
        "benefit": str(segment.benefit_id or ""),
        "welcome_subject": segment.welcome_subject,
        "welcome_body": segment.welcome_body,
        **translations_initial(segment, ("welcome_subject", "welcome_body")),
    }


# Ticks on one page of the customer list (50) fit with room to spare; more is not a person's selection.
SELECTION_MAX = 1_000


class _MemberIds(forms.Field):
    """The customers ticked: their numbers, each sent as a `member` value."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> set[int]:
        try:
            ids = {int(each) for each in value or ()}
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(
                _("The ticked customers could not be read: tick them again.")
            ) from error
        if not ids:
            raise forms.ValidationError(_("Tick at least one customer in the list."))
        if len(ids) > SELECTION_MAX:
            raise forms.ValidationError(
                _("Tick at most %(max)d customers at a time; upload a longer list as a file.")
                % {"max": SELECTION_MAX}
            )
        return ids


class SelectionForm(forms.Form):
    """Customers ticked in the customer list, for one of the static lists."""

    segment = forms.ChoiceField(
        label=gettext_lazy("List"), error_messages={"required": gettext_lazy("Choose the list.")}
    )
    member = _MemberIds()

    def __init__(self, *args: Any, lists: list[Segment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lists = {segment.code: segment for segment in lists}
        cast(forms.ChoiceField, self.fields["segment"]).choices = [
            (code, in_reader_language(segment, "name")) for code, segment in self.lists.items()
        ]


class ListUploadForm(forms.Form):
    """A static list's customers, one a line: a customer number, e-mail, phone or card number."""

    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("One customer a line: their number, e-mail, phone or card number."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the list (otherwise the customers are added to it)"), required=False
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > LIST_FILE_MAX:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": LIST_FILE_MAX // (1024 * 1024)}
            )
        return bytes(upload.read())
