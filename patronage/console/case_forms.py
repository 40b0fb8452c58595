"""The forms of the case pages: the queue's filters, a case logged by an agent, the steps, replies and notes,
compensation, a lead's decision and assignment.

They shape input; care's services decide what is valid (a move the flow allows, a promise not in the past, a
value within the giver's limit) and their errors go on the fields they name. Several of them share the case
page, so each gets its own element ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from patronage.care.attachment_web import AttachmentsField
from patronage.care.compensation import MAX_VALUE, CompensationInput
from patronage.care.models import (
    CaseChannel,
    CaseStatus,
    CaseType,
    CompensationKind,
    Severity,
    Team,
)
from patronage.care.services import COMMENT_MAX, DESCRIPTION_MAX, REPLY_MAX, SUMMARY_MAX, CaseInput
from patronage.console import case_file
from patronage.console.forms import ServiceForm
from patronage.console.loyalty_forms.base import FIRST_DATE, LAST_DATE, fresh_key
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.loyalty.models import Benefit, Program
from patronage.loyalty.services.points import MAX_POINTS
from patronage.members.models import Member

# --- the queue's filters -----------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The selects and search above the queue; the tab comes from its own links. A value that is not one of
    the choices is dropped, not the whole list."""

    tab = forms.ChoiceField(choices=[(tab, tab) for tab in case_file.TABS], required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False)
    product = forms.CharField(label=_("Product SKU"), required=False, max_length=64)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        categories: Sequence[tuple[int, str]],
        root_causes: Sequence[tuple[int, str]] = (),
    ) -> None:
        super().__init__(data)
        self._choices("status", [("", _("Any status")), *CaseStatus.choices])
        self._choices("category", [("", _("Any category")), *((str(pk), name) for pk, name in categories)])
        self._choices("severity", [("", _("Any severity")), *Severity.choices])
        self._choices(
            "root_cause",
            [
                ("", _("Any root cause")),
                (case_file.UNCLASSIFIED, _("Not yet classified")),
                *((str(pk), name) for pk, name in root_causes),
            ],
        )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def filters(self) -> case_file.QueueFilters:
        self.is_valid()  # keeps the valid fields' values in cleaned_data
        data = getattr(self, "cleaned_data", {})
        category = data.get("category") or ""
        return case_file.QueueFilters(
            tab=data.get("tab") or case_file.TAB_OPEN,
            status=data.get("status") or "",
            category_id=int(category) if category else None,
            severity=data.get("severity") or "",
            search=data.get("q") or "",
            root_cause=data.get("root_cause") or "",
            product_sku=(data.get("product") or "").strip(),
        )


# --- a case an agent logs ---------------------------------------------------------------------------------

# The channels an agent logs a case from; the others file their own (the portal, the web form, the API).
LOGGED_CHANNELS = (CaseChannel.PHONE, CaseChannel.STORE, CaseChannel.EMAIL, CaseChannel.CHAT)


class CaseNewForm(ServiceForm):
    """A phone call, a store visit, an e-mail or a chat, written down by the agent who took it."""

    type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices, initial=CaseType.COMPLAINT)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in LOGGED_CHANNELS], initial=CaseChannel.PHONE
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=SUMMARY_MAX, help_text=_("What happened, in a few words.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the customer said, in their words where you can."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MINOR)
    category = forms.ChoiceField(label=_("Category"), required=False)
    customer = forms.CharField(
        label=_("Customer"),
        max_length=254,
        required=False,
        help_text=_("Their e-mail, phone, card number, name or #id, as in the customer list."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    contact_name = forms.CharField(
        label=_("Or their name"), max_length=200, required=False, help_text=_("For someone with no file.")
    )
    contact_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Their language"), required=False)
    order = forms.CharField(label=_("Order number"), max_length=128, required=False)
    product = forms.CharField(label=_("Product SKU"), max_length=64, required=False)
    store = forms.ChoiceField(label=_("Store"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: Sequence[tuple[int, str]] = (),
        stores: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ChoiceField, fields["category"]).choices = [
            ("", _("None yet")),
            *((str(pk), name) for pk, name in categories),
        ]
        cast(forms.ChoiceField, fields["store"]).choices = [
            ("", _("None")),
            *((str(store.pk), store.name) for store in stores),
        ]
        cast(forms.ChoiceField, fields["language"]).choices = [
            ("", _("As in their file, or the business's")),
            *settings.LANGUAGES,
        ]

    SECTIONS = (
        (_("What happened"), ("type", "channel", "summary", "description", "severity", "category")),
        (_("Who"), ("customer", "contact_name", "contact_email", "contact_phone", "language")),
        (_("What it is about (optional)"), ("order", "product", "store")),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The form's fields in the page's three boxes."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self) -> dict[str, Any]:
        """Finds the customer, order and product typed; each one not found is an error on its field."""
        data = super().clean() or {}
        member: Member | None = None
        lookups = (
            ("customer", lambda text: case_file.customer_for_case(text=text)),
            ("order", lambda text: case_file.order_for_case(text=text, member=member)),
            ("product", lambda text: case_file.product_for_case(text=text)),
        )
        for name, find in lookups:
            text = (data.get(name) or "").strip()
            data[f"{name}_found"] = None
            if not text:
                continue
            try:
                data[f"{name}_found"] = find(text)
            except ValidationFailed as error:
                self.add_error(name, error.message)
            if name == "customer":
                member = data["customer_found"]
        return data

    def case_input(self) -> CaseInput:
        data = self.cleaned_data
        order, product = data["order_found"], data["product_found"]
        return CaseInput(
            type=data["type"],
            channel=data["channel"],
            summary=data["summary"],
            description=data["description"],
            member=data["customer_found"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            language=data["language"],
            category_id=int(data["category"]) if data["category"] else None,
            severity=data["severity"],
            product_id=product.pk if product is not None else None,
            order_id=order.pk if order is not None else None,
            store_id=int(data["store"]) if data["store"] else None,
        )


# --- the steps ---------------------------------------------------------------------------------------------


def _text(
    label: Any, *, required: bool, rows: int = 3, max_length: int = REPLY_MAX, **extra: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **extra,
    )


class MoveForm(ServiceForm):
    """A move to another step; `to` is the status the button names. The note is optional."""

    to = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), max_length=COMMENT_MAX, required=False)

    def __init__(self, *args: Any, to: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"move_{to}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("to", to)
        super().__init__(*args, **kwargs)

    def move(self) -> dict[str, Any]:
        """The case_move arguments besides the case and the actor."""
        return {"to": self.cleaned_data["to"], "note": self.cleaned_data.get("note", "").strip()}


class QuietMoveForm(MoveForm):
    """A move that is only its button (resolved, waiting, closed, reopened)."""

    note = forms.CharField(required=False, widget=forms.HiddenInput, max_length=COMMENT_MAX)


class ProposeForm(MoveForm):
    note = None  # type: ignore[assignment]
    solution = _text(
        _("The solution you propose"),
        required=True,
        help_text=_("What you offer to put it right; the customer reads it in your reply."),
    )

    def move(self) -> dict[str, Any]:
        return {"to": CaseStatus.PROPOSED, "solution": self.cleaned_data["solution"]}


def _date_bounds() -> dict[str, str]:
    return {"type": "date", "min": FIRST_DATE.date().isoformat(), "max": LAST_DATE.date().isoformat()}


class PromiseForm(MoveForm):
    note = None  # type: ignore[assignment]
    promise = _text(_("The fix you promise"), required=True, rows=2)
    promised_by = forms.DateField(label=_("Done by"), widget=forms.DateInput(attrs=_date_bounds()))

    def clean_promised_by(self) -> date:
        value: date = self.cleaned_data["promised_by"]
        if not FIRST_DATE.date() <= value <= LAST_DATE.date():
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s."),
                params={"first": FIRST_DATE.year, "last": LAST_DATE.year},
            )
        return value

    def move(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"to": CaseStatus.PROMISED, "promise": data["promise"], "promised_by": data["promised_by"]}


MOVE_FORMS: dict[str, type[MoveForm]] = {
    CaseStatus.LISTENING: MoveForm,
    CaseStatus.PROPOSED: ProposeForm,
    CaseStatus.PROMISED: PromiseForm,
    CaseStatus.RESOLVED: QuietMoveForm,
    CaseStatus.WAITING: QuietMoveForm,
    CaseStatus.CLOSED: QuietMoveForm,
    CaseStatus.REOPENED: QuietMoveForm,
}


def move_form(to: str, data: Mapping[str, Any] | None = None) -> MoveForm:
    """The form of the move to `to`, bound to `data` when it was sent."""
    return MOVE_FORMS.get(to, QuietMoveForm)(data, to=to)


# --- replies and notes ----------------------------------------------------------------------------------------


class ReplyForm(ServiceForm):
    body = _text(_("Your reply"), required=True, rows=4)
    attachments = AttachmentsField(label=_("Files (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)


class CaseNoteForm(ServiceForm):
    body = _text(_("Note"), required=True, help_text=_("Staff read it; the customer never does."))
    attachments = AttachmentsField(label=_("Files (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class MergeForm(ServiceForm):
    into = forms.CharField(
        label=_("Case that carries on"),
        max_length=20,
        help_text=_("Its reference, such as C-2026-000123: this case stops, and that one is answered."),
    )
    note = _text(_("Why (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)


# --- compensation --------------------------------------------------------------------------------------------


class CompensationForm(ServiceForm):
    """Step 4. Its key is made when the page is drawn, so the same form sent twice books once."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    value = forms.DecimalField(
        label=_("Worth"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_VALUE - Decimal("0.01"),
    )
    points = forms.IntegerField(label=_("Points"), required=False, min_value=1, max_value=MAX_POINTS)
    program = forms.ChoiceField(label=_("Program"), required=False)
    benefit = forms.ChoiceField(label=_("Benefit"), required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The replacement order or the refund, where there is one."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    ask_approval = forms.BooleanField(
        label=_("Ask a lead to approve it if it is over my limit"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        programs: Sequence[Program] = (),
        benefits: Sequence[Benefit] = (),
        currency: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "compensation_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", fresh_key())
        if len(programs) == 1:
            kwargs["initial"].setdefault("program", str(programs[0].pk))
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ChoiceField, fields["program"]).choices = [
            ("", _("Choose the program")),
            *((str(p.pk), p.reader_name) for p in programs),
        ]
        cast(forms.ChoiceField, fields["benefit"]).choices = [
            ("", _("Choose the benefit")),
            *((str(b.pk), f"{b.program.reader_name}: {b.reader_name}") for b in benefits),
        ]
        fields["value"].label = _("Worth (%(currency)s)") % {"currency": currency} if currency else _("Worth")
        fields["points"].help_text = _("For points: how many, and the program below.")
        fields["benefit"].help_text = _("For a benefit: which one.")
        fields["value"].help_text = _("What it is worth in money, whatever its kind: one limit covers all.")

    def compensation_input(self) -> CompensationInput:
        data = self.cleaned_data
        return CompensationInput(
            kind=data["kind"],
            value=data["value"],
            idempotency_key=data["idempotency_key"],
            points=data["points"],
            program_id=int(data["program"]) if data["program"] else None,
            benefit_id=int(data["benefit"]) if data["benefit"] else None,
            reference=data["reference"],
            note=data["note"],
            ask_approval=data["ask_approval"],
        )


class DecisionForm(ServiceForm):
    """A lead's answer to a compensation awaiting approval: the button pressed."""

    approve = forms.ChoiceField(choices=[("yes", _("Approve")), ("no", _("Decline"))])

    def approved(self) -> bool:
        return bool(self.cleaned_data["approve"] == "yes")


# --- assignment ------------------------------------------------------------------------------------------------


class AssignForm(ServiceForm):
    assignee = forms.ChoiceField(label=_("Agent"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)

    def __init__(
        self, *args: Any, agents: Sequence[User] = (), teams: Sequence[Team] = (), **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        self._agents = {str(user.pk): user for user in agents}
        self._teams = {str(team.pk): team for team in teams}
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("Nobody")),
            *((pk, user.get_full_name() or user.get_username()) for pk, user in self._agents.items()),
        ]
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", _("No team")),
            *((pk, team.name) for pk, team in self._teams.items()),
        ]

    def chosen(self) -> tuple[User | None, Team | None]:
        data = self.cleaned_data
        return self._agents.get(data["assignee"] or ""), self._teams.get(data["team"] or "")


# --- classification ---------------------------------------------------------------------------------------------


class ClassifyForm(ServiceForm):
    """Why it happened and what it is about: the root cause, the category, severity, product and tags."""

    root_cause = forms.ChoiceField(label=_("Root cause"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    product = forms.CharField(label=_("Product SKU"), max_length=64, required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=1000, required=False, help_text=_("Separate tags with commas.")
    )

    def __init__(
        self,
        *args: Any,
        root_causes: Sequence[tuple[int, str]] = (),
        categories: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "classify_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["root_cause"]).choices = [
            ("", _("Not yet classified")),
            *((str(pk), name) for pk, name in root_causes),
        ]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("None yet")),
            *((str(pk), name) for pk, name in categories),
        ]

    def clean_product(self) -> Any:
        sku = (self.cleaned_data.get("product") or "").strip()
        if not sku:
            return None
        try:
            return case_file.product_for_case(text=sku)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from error

    def classification(self) -> dict[str, Any]:
        """The case_classify arguments besides the case and the actor."""
        data = self.cleaned_data
        return {
            "category": int(data["category"]) if data["category"] else None,
            "root_cause": int(data["root_cause"]) if data["root_cause"] else None,
            "severity": data["severity"],
            "product": data["product"].pk if data["product"] is not None else None,
            "tags": [tag for tag in data["tags"].split(",") if tag.strip()],
        }
