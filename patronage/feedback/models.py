"""Surveys, their questions, invitations and responses, the closed-loop rules and the cases they opened.

A survey's questions are rows (answers point at them, and results aggregate by them); each has a short `key`
that the API and the public page use as the question's id (`nps`, `q2`), unique within its survey. Texts a
business writes (titles, questions, choices) are kept in its main language with a JSON object of the
others, as every name is (decision 0021).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patronage.feedback.questions import QuestionType


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class SurveyTrigger(models.TextChoices):
    NONE = "", _("none: invitations are sent by hand")
    CASE_CLOSED = "case_closed", _("after a case is closed")
    PURCHASE = "purchase", _("after a purchase")
    REDEMPTION = "redemption", _("after a reward is redeemed")


class ResponseChannel(models.TextChoices):
    LINK = "link", _("public link")
    PORTAL = "portal", _("member portal")
    API = "api", _("other system")
    TRY = "try", _("tried by staff")


class LoopRuleKind(models.TextChoices):
    DETRACTOR = "detractor", _("an NPS of 0 to 6")
    LOW_CSAT = "low_csat", _("a CSAT of 1 or 2")
    KEYWORDS = "keywords", _("a free-text answer with one of these words")
    # Not a case: a thank-you message to the promoter, with the business's review link and a referral ask.
    PROMOTER = "promoter", _("an NPS of 9 or 10: thank them and ask for a review")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Attendance(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    ATTENDED = "attended", _("attended")
    ABSENT = "absent", _("did not come")


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    title = models.CharField(max_length=200)
    title_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    intro = models.TextField(blank=True, help_text="shown above the first question")
    intro_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    trigger = models.CharField(max_length=12, choices=SurveyTrigger.choices, blank=True, default="")
    # A member is invited to no survey more often than this: no customer is surveyed too often.
    throttle_days = models.PositiveIntegerField(default=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the free-text answers were last grouped into themes and scored (None: never).
    themes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("manage_surveys", _("Can build surveys, send them and set their closed-loop rules")),
            ("view_results", _("Can read survey results, answers and themes")),
        ]
        constraints = [
            # One survey per trigger answers it: two would survey the same customer twice for one event.
            models.UniqueConstraint(
                fields=["trigger"],
                condition=~Q(trigger="") & Q(status="open"),
                name="feedback_one_open_survey_per_trigger",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=40, help_text="the question's id in the API and the survey's page")
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=16, choices=[(kind.value, kind.value) for kind in QuestionType])
    text = models.CharField(max_length=500)
    text_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    # [{"id": "price", "text": "Price", "text_translations": {"ko": "가격"}}, ...]
    choices: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    scale_low = models.PositiveSmallIntegerField(null=True, blank=True)
    scale_high = models.PositiveSmallIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(default=5000)
    # {"question": "nps", "any_of": [...]} or {"question": "nps", "at_most": 6}; {} when always shown.
    shown_when: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="feedback_question_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"


class Invitation(models.Model):
    """One person's way into a survey: a secret link, answered once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    # What asked for it ("case_closed:42", "list:7:1847"): one invitation per cause, however often it runs.
    cause = models.CharField(max_length=100)
    case = models.ForeignKey(
        "care.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_invitations"
    )
    order = models.ForeignKey("commerce.Order", null=True, blank=True, on_delete=models.SET_NULL)
    language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "cause"], name="feedback_invitation_once_per_cause"),
        ]
        indexes = [models.Index(fields=["member", "created_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.cause}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # One response per invitation: a second answer to the same link is refused.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    # The case this response follows up, and who handled it: satisfaction goes to that agent's scorecard.
    case = models.ForeignKey(
        "care.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    store = models.ForeignKey("commerce.Store", null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices)
    language = models.CharField(max_length=16, blank=True)
    complete = models.BooleanField(default=True, help_text="False: the respondent left half-way")
    # A staff member trying the survey as a customer: kept apart, never counted.
    test = models.BooleanField(default=False)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_id"],
                condition=~Q(external_id=""),
                name="feedback_response_external_id_once",
            ),
        ]
        indexes = [models.Index(fields=["survey", "test", "created_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True, help_text="a point on a scale")
    chosen: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    # Of a free-text answer, set by the themes job (decision 0026); blank until it has run.
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True, help_text="-1 negative to 1 positive")
    theme = models.ForeignKey(
        "Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="feedback_answer_once"),
        ]
        indexes = [models.Index(fields=["question", "number"]), models.Index(fields=["theme", "question"])]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class LoopRule(models.Model):
    """When an answer opens a follow-up case for its customer, or (a promoter) earns a thank-you."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="loop_rules")
    kind = models.CharField(max_length=10, choices=LoopRuleKind.choices)
    keywords: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    severity = models.CharField(max_length=8, default="major")
    # A promoter rule's thank-you: where to leave a review, and whether it asks them to bring a friend.
    review_url = models.URLField(max_length=500, blank=True)
    ask_referral = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.kind}"


class FollowUp(models.Model):
    """The case a response opened: exactly one per response, whoever saves it and however often."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="follow_up")
    rule = models.ForeignKey(LoopRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("care.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.response_id} → {self.case_id}"


class TriggerCursor(models.Model):
    """Where the trigger job last read the business events up to (one row)."""

    read_until = models.DateTimeField()

    def __str__(self) -> str:
        return self.read_until.isoformat()


class Theme(models.Model):
    """A group of free-text answers to one question in one language, found by the themes job.

    Its name comes from its top terms until a person renames it. A merge points the absorbed theme at the
    one it joined (`merged_into`); later runs carry names and merges over by matching `centroid` (term
    weights, see `text.themes.themes_match`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="themes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    language = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    # A person's name in the business's other languages (a Korean theme named in English for its readers too).
    name_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    named_by_person = models.BooleanField(default=False)
    top_terms: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    centroid: models.JSONField[dict[str, float]] = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    answers_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "question", "-answers_count", "pk"]
        indexes = [models.Index(fields=["survey", "question", "language"])]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A customer advisory meeting: chosen customers invited to tell the business what they think."""

    title = models.CharField(max_length=200)
    title_translations: models.JSONField[dict[str, str]] = models.JSONField(default=dict, blank=True)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    store = models.ForeignKey("commerce.Store", null=True, blank=True, on_delete=models.SET_NULL)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="what was said, written after the meeting")
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        """Where it is, as guests read it: the place written, else the store's name."""
        return self.place or (self.store.name if self.store else "")


class MeetingGuest(models.Model):
    """One customer invited to a meeting: their answer, whether they came, and what they said."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="advisory_meetings")
    # Where their note goes too: a case the meeting follows up (it becomes an entry on that case).
    case = models.ForeignKey("care.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.INVITED)
    note = models.TextField(blank=True)
    invited_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="feedback_meeting_guest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}"
