"""The customer information service's bodies: topics and items (titles and texts in each business language)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, WithJsonSchema

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Instant
from patronage.api.schemas.loyalty import MAX_LANGUAGES, LanguageCode, translations_schema
from patronage.core.inputs import CODE_PATTERN as CODE_PATTERN_CHECKED
from patronage.segments.information_services import BODY_MAX, TAGS_MAX, TITLE_MAX, TOPIC_NAME_MAX
from patronage.segments.models import InformationKind

NOT_GIVEN: Any = None
CODE_PATTERN = CODE_PATTERN_CHECKED.pattern
TAG_PATTERN = r"^[-a-zA-Z0-9_]{1,64}$"  # a category's or brand's code (commerce's slugs)
TRANSLATIONS = "the text in the business's other languages, by language code (en, ko, ja, zh-hans)"


TopicNames = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=TOPIC_NAME_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(TOPIC_NAME_MAX)),
]
TitleTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=TITLE_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(TITLE_MAX)),
]
BodyTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=BODY_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(BODY_MAX)),
]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Tag = Annotated[str, StringConstraints(pattern=TAG_PATTERN)]


class TopicIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _")
    name: str = Field(..., max_length=TOPIC_NAME_MAX, pattern=NOT_BLANK, description="e.g. Kitchen")
    name_translations: TopicNames = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)


class InformationTopicOut(Schema):
    code: str
    name: str
    name_translations: dict[str, str]
    interested: int = Field(description="members who chose it")

    @staticmethod
    def resolve_interested(topic: Any) -> int:
        return int(getattr(topic, "interested", 0))


class InformationIn(Schema):
    """What an item says, to whom (topics, and a segment whose members alone see it) and from when."""

    model_config = ConfigDict(extra="forbid")

    kind: InformationKind
    title: str = Field(..., max_length=TITLE_MAX, pattern=NOT_BLANK)
    title_translations: TitleTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    body: str = Field(..., max_length=BODY_MAX, pattern=NOT_BLANK, description="the item's text")
    body_translations: BodyTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    topics: list[Code] = Field(..., min_length=1, max_length=TAGS_MAX, description="topics' codes")
    categories: list[Tag] = Field(default_factory=list, max_length=TAGS_MAX, description="categories' codes")
    brands: list[Tag] = Field(default_factory=list, max_length=TAGS_MAX, description="brands' codes")
    segment: str = Field(NOT_GIVEN, pattern=CODE_PATTERN, description="only this segment's members see it")
    published_at: Instant = Field(..., description="members see it from then; in the future to schedule it")
    expires_at: Instant = Field(NOT_GIVEN, description="after the publication; none: it stays")


class InformationCreateIn(InformationIn):
    code: str = Field(
        ..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _; unique"
    )


class InformationOut(Schema):
    id: int
    code: str
    kind: str
    title: str
    title_translations: dict[str, str]
    body: str
    body_translations: dict[str, str]
    topics: list[str]
    categories: list[str]
    brands: list[str]
    segment: str | None
    published_at: datetime
    expires_at: datetime | None
    retired_at: datetime | None
    sent: int = Field(description="members it went to in a digest")

    @staticmethod
    def resolve_topics(item: Any) -> list[str]:
        return sorted(topic.code for topic in item.topics.all())

    @staticmethod
    def resolve_segment(item: Any) -> str | None:
        return item.segment.code if item.segment_id else None

    @staticmethod
    def resolve_sent(item: Any) -> int:
        return int(item.sent)  # annotated by information_selectors.information_item_list
