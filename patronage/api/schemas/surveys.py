"""Request and response shapes of the survey endpoints: surveys and their questions, responses, invitations,
closed-loop rules and results.

The document states every rule it can (lengths, keys, scales, how many); the rules it states only in words
(a choice question has two or more different choices, only a rating sets its scale, a question depends only
on one before it, each question answered once and as its type asks) are answered 422 naming the place.
An answer's `value` is handed to the survey's own rules as sent (only 9.0 is read as 9, as everywhere in the
API): `true`, `9.5` or `"9"` on a scale are refused naming `answers[<question id>]`, never read as a number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Id, whole
from patronage.api.schemas.loyalty import LanguageCode, translations_schema
from patronage.api.schemas.webhooks import URL_PATTERN
from patronage.feedback.breakdowns import MIN_ANSWERS, GroupScores, too_few
from patronage.feedback.models import (
    Answer,
    FollowUp,
    LoopRuleKind,
    Question,
    Response,
    Survey,
    SurveyTrigger,
)
from patronage.feedback.questions import CHOICES, RATING_LIMITS, TEXT_LENGTH, TEXT_LENGTH_LIMIT, QuestionType
from patronage.feedback.responses import EXTERNAL_ID_MAX
from patronage.feedback.scores import Score
from patronage.feedback.selectors import QuestionSummary, Results
from patronage.feedback.survey_groups import Breakdown
from patronage.feedback.survey_services import (
    CHOICE_TEXT_MAX,
    CHOICES_MAX,
    INTRO_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    QUESTION_TEXT_MAX,
    QUESTIONS_MAX,
    REVIEW_URL_MAX,
    THROTTLE_DAYS_MAX,
    TITLE_MAX,
)
from patronage.feedback.theme_selectors import QuestionThemes, ThemeSummary

NOT_GIVEN: Any = None
# A question's or a choice's id, as the survey's page and the answers name it.
KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
# An invitation's secret, as the links carry it (URL-safe base64).
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
# How many members one request invites: a bigger list goes in several requests, each its own batch name or
# the same one (a member already invited in the batch is not invited twice).
INVITE_MAX = 1000
BATCH_MAX = 60


Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
# JSON integers within bounds (5.0 is 5; "5", 5.5 and true are refused). The bounds go before the validator
# that reads 5.0 as 5, so that they bound the integer and the document states them (as common.Id).
Point = Annotated[int, Field(strict=True, ge=RATING_LIMITS[0], le=RATING_LIMITS[1]), BeforeValidator(whole)]
TextLength = Annotated[int, Field(strict=True, ge=1, le=TEXT_LENGTH_LIMIT), BeforeValidator(whole)]
ThrottleDays = Annotated[int, Field(strict=True, ge=0, le=THROTTLE_DAYS_MAX), BeforeValidator(whole)]
TitleTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=TITLE_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(TITLE_MAX)),
]
IntroTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=INTRO_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(INTRO_MAX)),
]
QuestionTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=QUESTION_TEXT_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(QUESTION_TEXT_MAX)),
]
ChoiceTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=CHOICE_TEXT_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(CHOICE_TEXT_MAX)),
]
TRANSLATIONS = "the text in the business's other languages, by language code (en, ko, ja, zh-hans)"


class SurveyChoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id: Key = Field(..., description="the choice's id: what an answer sends")
    text: str = Field(..., max_length=CHOICE_TEXT_MAX, pattern=NOT_BLANK)
    text_translations: ChoiceTexts = Field(default_factory=dict, description=TRANSLATIONS)


class SurveyConditionIn(Schema):
    """Show the question only when an earlier question's answer is one of `any_of` (for a multiple choice:
    any chosen id is), or lies from `at_least` to `at_most` (a scale question; either may be left out).
    Give one form or the other."""

    model_config = ConfigDict(extra="forbid")

    question: Key = Field(..., description="the id of a question before this one (not a free-text one)")
    any_of: list[Annotated[StrictInt, Field(ge=0, le=10)] | Key] = Field(
        NOT_GIVEN,
        min_length=1,
        max_length=CHOICES_MAX,
        description="points of its scale or ids of its choices",
    )
    at_least: Point = Field(NOT_GIVEN)
    at_most: Point = Field(NOT_GIVEN)


class SurveyQuestionIn(Schema):
    """One question. `choices` for a choice question only (two or more, different ids); `scale` for a rating
    only, and required there; `max_length` counts for free text only."""

    model_config = ConfigDict(extra="forbid")

    type: QuestionType = Field(
        ..., description="nps (0-10), csat (1-5), ces (1-7), rating, single_choice, multiple_choice or text"
    )
    text: str = Field(..., max_length=QUESTION_TEXT_MAX, pattern=NOT_BLANK)
    key: Key = Field(
        NOT_GIVEN,
        description="the question's id in answers and results, unique in the survey; else q1, q2...",
    )
    text_translations: QuestionTexts = Field(default_factory=dict, description=TRANSLATIONS)
    required: StrictBool = False
    choices: list[SurveyChoiceIn] = Field(default_factory=list, max_length=CHOICES_MAX)
    scale: list[Point] = Field(
        NOT_GIVEN, min_length=2, max_length=2, description="a rating's [lowest, highest] point, 0 to 10"
    )
    max_length: TextLength = Field(TEXT_LENGTH, description="the longest free-text answer, in characters")
    shown_when: SurveyConditionIn = Field(NOT_GIVEN, description="left out: always shown")


class SurveyIn(Schema):
    """A survey with its questions. Texts are in the business's main language, with their translations."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=TITLE_MAX, pattern=NOT_BLANK)
    title_translations: TitleTexts = Field(default_factory=dict, description=TRANSLATIONS)
    intro: str = Field(
        "", max_length=INTRO_MAX, pattern=SAFE_TEXT, description="shown above the first question"
    )
    intro_translations: IntroTexts = Field(default_factory=dict, description=TRANSLATIONS)
    trigger: SurveyTrigger = Field(
        SurveyTrigger.NONE,
        description="invite after each case_closed, purchase or redemption; empty: invitations are sent by hand",
    )
    throttle_days: ThrottleDays = Field(
        30, description="invite no member who was invited to any survey in this many days"
    )
    questions: list[SurveyQuestionIn] = Field(..., min_length=1, max_length=QUESTIONS_MAX)


class SurveyCreateIn(SurveyIn):
    open: StrictBool = Field(False, description="open it at once (else it is a draft)")


class SurveyChoiceOut(Schema):
    id: str
    text: str
    text_translations: dict[str, str]


class SurveyQuestionOut(Schema):
    id: str = Field(..., description="the question's key: what answers name")
    type: str
    text: str
    text_translations: dict[str, str]
    required: bool
    choices: list[SurveyChoiceOut]
    scale: list[int] | None = Field(..., description="[lowest, highest] point of a scale question")
    max_length: int | None = Field(..., description="the longest free-text answer")
    shown_when: dict[str, Any] | None = Field(..., description="null: always shown")

    @staticmethod
    def resolve_id(question: Question) -> str:
        return question.key

    @staticmethod
    def resolve_scale(question: Question) -> list[int] | None:
        if question.scale_low is not None and question.scale_high is not None:
            return [question.scale_low, question.scale_high]
        low_high = {QuestionType.NPS: [0, 10], QuestionType.CSAT: [1, 5], QuestionType.CES: [1, 7]}
        return low_high.get(QuestionType(question.type))

    @staticmethod
    def resolve_max_length(question: Question) -> int | None:
        return question.max_length if question.type == QuestionType.TEXT else None

    @staticmethod
    def resolve_shown_when(question: Question) -> dict[str, Any] | None:
        return question.shown_when or None


class SurveyOut(Schema):
    id: int
    status: str = Field(..., description="draft, open or closed")
    title: str
    title_translations: dict[str, str]
    intro: str
    intro_translations: dict[str, str]
    trigger: str
    throttle_days: int
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    questions: list[SurveyQuestionOut]

    @staticmethod
    def resolve_questions(survey: Survey) -> list[Question]:
        return list(survey.questions.all())


# ---- responses ------------------------------------------------------------------------------------------

# Stated for the document, and read as sent (see the module's docstring): the survey's rules judge its type.
# Only 9.0 is read as 9, as every JSON integer of the API is (JSON Schema reads them as one number).
AnswerValue = Annotated[
    Any,
    BeforeValidator(whole),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "description": "a point on a scale"},
                {
                    "type": "string",
                    "maxLength": TEXT_LENGTH_LIMIT,
                    "description": "a choice's id, or free text",
                },
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": KEY_PATTERN},
                    "maxItems": CHOICES_MAX,
                    "description": "the ids chosen on a multiple choice",
                },
                {"type": "null", "description": "not answered"},
            ]
        }
    ),
]


class SurveyAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question: Key = Field(..., description="the question's id")
    value: AnswerValue = Field(
        ...,
        description="a scale's point (a JSON integer), a single choice's id, a list of ids, free text, or null",
    )


class SurveyResponseIn(Schema):
    """One person's answers: a member (`member`), an invitation (`token`, whose member it is), or neither
    (anonymous); not both. `partial`: the person left half-way (required questions may wait; a later
    complete response with the same token completes it). `external_id` makes it idempotent."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"not": {"required": ["member", "token"]}})

    member: Id = Field(NOT_GIVEN, description="the member's id")
    token: str = Field(NOT_GIVEN, pattern=TOKEN_PATTERN, description="the invitation's secret, from its link")
    answers: list[SurveyAnswerIn] = Field(
        ..., min_length=1, max_length=QUESTIONS_MAX, description="each question at most once"
    )
    partial: StrictBool = False
    language: Literal["", "en", "ko", "ja", "zh-hans"] = Field(
        "", description="the language it was answered in"
    )
    external_id: str = Field(
        "", max_length=EXTERNAL_ID_MAX, pattern=SAFE_TEXT, description="your system's id for this response"
    )

    @model_validator(mode="after")
    def _one_respondent(self) -> SurveyResponseIn:
        if self.member is not None and self.token is not None:
            raise ValueError("give a member or an invitation's token, not both")
        return self


class SurveyAnswerOut(Schema):
    question: str
    value: int | str | list[str] | None

    @staticmethod
    def resolve_question(answer: Answer) -> str:
        return answer.question.key

    @staticmethod
    def resolve_value(answer: Answer) -> int | str | list[str] | None:
        kind = QuestionType(answer.question.type)
        if kind is QuestionType.MULTIPLE_CHOICE:
            return list(answer.chosen)
        if kind in CHOICES:
            return answer.chosen[0] if answer.chosen else None
        if kind is QuestionType.TEXT:
            return answer.text
        return answer.number


class SurveyResponseOut(Schema):
    id: int
    survey: int
    member: int | None
    complete: bool = Field(..., description="false: a partial response, completed by a later one")
    channel: str
    language: str
    external_id: str
    created_at: datetime
    updated_at: datetime
    answers: list[SurveyAnswerOut] = Field(..., description="in the questions' order")
    follow_up: str | None = Field(..., description="the reference of the case the answers opened")

    @staticmethod
    def resolve_survey(response: Response) -> int:
        return response.survey_id

    @staticmethod
    def resolve_member(response: Response) -> int | None:
        return response.member_id

    @staticmethod
    def resolve_answers(response: Response) -> list[Answer]:
        return sorted(response.answers.all(), key=lambda answer: answer.question.position)

    @staticmethod
    def resolve_follow_up(response: Response) -> str | None:
        try:
            follow_up: FollowUp = response.follow_up
        except FollowUp.DoesNotExist:
            return None
        return follow_up.case.reference


# ---- invitations and rules ------------------------------------------------------------------------------


class SurveyInvitationsIn(Schema):
    """Members to invite (one e-mail each, with their own link). `batch` names this sending: the same batch
    again invites no one twice."""

    model_config = ConfigDict(extra="forbid")

    members: list[Id] = Field(..., min_length=1, max_length=INVITE_MAX, description="members' ids")
    batch: str = Field(..., max_length=BATCH_MAX, pattern=NOT_BLANK, description="a name for this sending")


class SurveyInvitationsOut(Schema):
    invited: int
    throttled: int = Field(
        ..., description="not invited: invited to a survey more recently than the throttle"
    )
    already: int = Field(..., description="not invited again: already invited in this batch")


class SurveyRuleIn(Schema):
    """When a complete response opens a follow-up case for its customer: a detractor (NPS 0-6), a low CSAT
    (1-2), or free text holding one of `keywords` (a keyword rule only, and at least one there; matched
    without regard to case); or (`promoter`, NPS 9-10) when the customer is thanked, once, with
    `review_url` and, with `ask_referral`, a line asking them to bring a friend (a promoter rule only; one
    per survey, a second is 409)."""

    model_config = ConfigDict(extra="forbid")

    kind: LoopRuleKind
    keywords: list[Annotated[str, StringConstraints(max_length=KEYWORD_MAX, pattern=NOT_BLANK)]] = Field(
        default_factory=list, max_length=KEYWORDS_MAX
    )
    severity: Literal["minor", "major", "critical"] = Field(
        "major", description="the follow-up case's severity"
    )
    review_url: Annotated[str, StringConstraints(max_length=REVIEW_URL_MAX, pattern=f"^$|{URL_PATTERN}")] = (
        Field("", description="a promoter rule's link to leave a review: an http or https address, or empty")
    )
    ask_referral: StrictBool = Field(False, description="a promoter rule's ask to bring a friend")


class SurveyRuleOut(Schema):
    id: int
    kind: str
    keywords: list[str]
    severity: str
    review_url: str
    ask_referral: bool
    active: bool
    created_at: datetime


# ---- results --------------------------------------------------------------------------------------------


class SurveyScoreOut(Schema):
    """A score with its 95% confidence interval over n answers (invitations, for the response rate); all
    null when there is nothing to count yet."""

    value: float | None
    low: float | None
    high: float | None
    n: int


class SurveyQuestionResultOut(Schema):
    id: str = Field(..., description="the question's key")
    type: str
    text: str
    answered: int
    counts: dict[str, int] = Field(..., description="scales: answers per point; choices: per choice id")
    mean: float | None
    score: SurveyScoreOut | None = Field(..., description="the NPS, CSAT or CES of this question")
    examples: list[str] = Field(..., description="free text: the latest answers")

    @staticmethod
    def resolve_id(summary: QuestionSummary) -> str:
        return summary.question.key

    @staticmethod
    def resolve_type(summary: QuestionSummary) -> str:
        return summary.question.type

    @staticmethod
    def resolve_text(summary: QuestionSummary) -> str:
        return summary.question.text


class SurveyWeekOut(SurveyScoreOut):
    week: date = Field(..., description="the week's Monday in the business's time zone")


class SurveyResultsOut(Schema):
    """Complete responses only, never a staff member's try; a question left unanswered counts in no score."""

    survey: int
    responses: int
    partial: int = Field(..., description="responses left half-way (counted in no score)")
    invited: int
    response_rate: SurveyScoreOut = Field(..., description="% of invitations answered")
    nps: SurveyScoreOut = Field(..., description="of the first NPS question: % promoters - % detractors")
    csat: SurveyScoreOut = Field(..., description="of the first CSAT question: % answering 4 or 5")
    ces: SurveyScoreOut = Field(..., description="of the first CES question: the mean effort, 1 to 7")
    questions: list[SurveyQuestionResultOut]
    trend: list[SurveyWeekOut] = Field(..., description="NPS of each of the last 12 weeks")

    @staticmethod
    def resolve_survey(results: Results) -> int:
        return results.survey.pk

    @staticmethod
    def resolve_trend(results: Results) -> list[dict[str, Any]]:
        return [{"week": monday.date(), **_score(score)} for monday, score in results.trend]


def _score(score: Score) -> dict[str, Any]:
    return {"value": score.value, "low": score.low, "high": score.high, "n": score.n}


BreakdownBy = Literal["tier", "store", "channel", "agent", "clv_band", "language"]


class SurveyBreakdownFilters(Schema):
    by: BreakdownBy = Field(..., description="the groups: tier, store, channel, agent, clv_band or language")
    program: str | None = Field(
        None, description="by tier: the program whose tiers (its code); the first program by code if left out"
    )


class SurveyGroupScoreOut(SurveyScoreOut):
    too_few: bool = Field(..., description=f"fewer than {MIN_ANSWERS} answers: too few to read")


class SurveyGroupOut(Schema):
    key: str = Field(
        ...,
        description="the group as data: a channel or language code, a store's, agent's or tier's id, a band "
        "(top, middle, lower); empty for the responses in none (no store, no tier, not scored)",
    )
    label: str = Field(..., description="the group's name in the request's language")
    responses: int
    nps: SurveyGroupScoreOut
    csat: SurveyGroupScoreOut
    ces: SurveyGroupScoreOut
    too_few: bool = Field(..., description=f"every score rests on fewer than {MIN_ANSWERS} answers")

    @staticmethod
    def resolve_nps(group: GroupScores) -> dict[str, Any]:
        return _group_score(group.nps)

    @staticmethod
    def resolve_csat(group: GroupScores) -> dict[str, Any]:
        return _group_score(group.csat)

    @staticmethod
    def resolve_ces(group: GroupScores) -> dict[str, Any]:
        return _group_score(group.ces)


class SurveyBreakdownOut(Schema):
    """Complete responses only, never a staff member's try; each group's scores as the survey's own."""

    survey: int
    by: str
    program: str | None = Field(..., description="by tier: the program whose tiers (its code)")
    groups: list[SurveyGroupOut] = Field(..., description="largest first; lifetime-value bands top first")
    unavailable: str = Field(
        ..., description="why there are no groups to show (no lifetime-value analysis yet); empty otherwise"
    )

    @staticmethod
    def resolve_survey(breakdown: Breakdown) -> int:
        return breakdown.survey.pk

    @staticmethod
    def resolve_program(breakdown: Breakdown) -> str | None:
        return breakdown.program.code if breakdown.program else None


def _group_score(score: Score) -> dict[str, Any]:
    return {**_score(score), "too_few": too_few(score)}


# ---- themes ---------------------------------------------------------------------------------------------


class SurveyThemeOut(Schema):
    """A group of free-text answers to one question in one language (decision 0026)."""

    id: int
    name: str = Field(..., description="its top terms, until a person renames it")
    name_translations: dict[str, str] = Field(..., description="a person's name in the other languages")
    named_by_person: bool
    language: str = Field(..., description="the language of its answers")
    top_terms: list[str]
    answers: int
    share: float = Field(..., description="of the question's answers in themes, 0 to 1")
    sentiment: dict[str, int] = Field(..., description="answers that read positive, neutral and negative")
    examples: list[str] = Field(..., description="three answers of the strongest feeling")

    @staticmethod
    def resolve_id(summary: ThemeSummary) -> int:
        return summary.theme.pk

    @staticmethod
    def resolve_name(summary: ThemeSummary) -> str:
        return summary.theme.name

    @staticmethod
    def resolve_name_translations(summary: ThemeSummary) -> dict[str, str]:
        return summary.theme.name_translations

    @staticmethod
    def resolve_named_by_person(summary: ThemeSummary) -> bool:
        return summary.theme.named_by_person

    @staticmethod
    def resolve_language(summary: ThemeSummary) -> str:
        return summary.theme.language

    @staticmethod
    def resolve_top_terms(summary: ThemeSummary) -> list[str]:
        return summary.theme.top_terms

    @staticmethod
    def resolve_answers(summary: ThemeSummary) -> int:
        return summary.theme.answers_count

    @staticmethod
    def resolve_sentiment(summary: ThemeSummary) -> dict[str, int]:
        return summary.sentiments

    @staticmethod
    def resolve_examples(summary: ThemeSummary) -> list[str]:
        return [answer.text for answer in summary.examples]


class SurveyQuestionThemesOut(Schema):
    question: str = Field(..., description="the question's key")
    answers: int = Field(..., description="its answers in themes")
    themes: list[SurveyThemeOut] = Field(..., description="largest first; empty before the first run")

    @staticmethod
    def resolve_question(item: QuestionThemes) -> str:
        return item.question.key


class SurveyThemesOut(Schema):
    """Each free-text question's themes. Complete responses only, never a staff member's try."""

    survey: int
    themes_at: datetime | None = Field(..., description="when the themes were last found; null: never")
    questions: list[SurveyQuestionThemesOut]
