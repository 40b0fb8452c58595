"""The feedback part of the demo: a visit survey answered over the last twelve weeks, and a survey that
follows up every closed case.

Once every member is written, through the real services with the clock standing at each moment: the visit
survey (NPS, a "what should we have done better?" shown to detractors, staff CSAT, the visit's reason and a
free-text question) in the business's languages, opened twelve weeks before the period's end; each week
members are invited and most answer, the scores getting better week by week, with free-text answers in
Korean, Japanese, English and Chinese (feedback_words), grouped into themes at the end when the text method
is installed. A week before the end the manager adds the closed-loop rule, so the last week's detractors
become follow-up cases in the care queue. The truth document keeps the planted NPS and each answer's theme,
which the demo's tests recover.

Then two advisory meetings: a panel of regulars (one of them a detractor whose case it follows up) held three
days before the period's end, with who came, what each said and the meeting's notes, and a tasting panel
planned two weeks after it, its guests invited and some of them having said yes.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from patronage.care.models import Case, CaseEntry, SlaLeg
from patronage.commerce.models import Store
from patronage.core.business import business_languages
from patronage.core.models import OutboxEvent, User
from patronage.core.names import language_key
from patronage.demo.parts.care import clock_at
from patronage.demo.parts.feedback_words import (
    ANSWERS,
    CASE_QUESTION,
    CASE_TITLE,
    GUEST_NOTES,
    HELD_MEETING_TITLE,
    MEETING_AGENDA,
    MEETING_NOTES,
    PLANNED_MEETING_TITLE,
    QUESTIONS,
    VISIT_CHOICES,
    VISIT_INTRO,
    VISIT_TITLE,
)
from patronage.demo.world import Part, World
from patronage.feedback.invitations import invitations_send
from patronage.feedback.meetings import (
    MeetingInput,
    guest_attendance_set,
    guest_note_record,
    guests_invite,
    meeting_create,
    meeting_hold,
)
from patronage.feedback.models import (
    Answer,
    Attendance,
    FollowUp,
    Invitation,
    LoopRule,
    Meeting,
    MeetingGuest,
    Question,
    Response,
    Survey,
    Theme,
)
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.scores import nps
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.feedback.theme_selectors import text_method_installed
from patronage.feedback.theme_services import themes_find_for_survey
from patronage.members.models import Member, MemberStatus, TimelineEvent
from patronage.messages.models import Message

WEEKS = 12
INVITED_PER_WEEK = 12
MANAGER = "manager"  # the demo's program manager login (catalogue.STAFF)
# The chance of each NPS point, the first week and the last: the shop gets better, and the trend shows it.
FIRST_WEEK = np.array([4, 3, 4, 5, 5, 6, 8, 12, 14, 20, 19], dtype=float)
LAST_WEEK = np.array([1, 1, 1, 2, 2, 3, 6, 10, 14, 27, 33], dtype=float)
ANSWER_SHARE = 0.75  # of those invited
# The tables the services write to here, counted for the truth document.
COUNTED = (
    Survey,
    Question,
    Invitation,
    Response,
    Answer,
    Theme,
    LoopRule,
    FollowUp,
    Meeting,
    MeetingGuest,
    Case,
    CaseEntry,
    SlaLeg,
    TimelineEvent,
    OutboxEvent,
    Message,
)


def surveys_plant(world: World) -> None:
    manager = User.objects.filter(username=MANAGER).first()
    members = list(Member.objects.order_by("pk").values_list("pk", "locale")[: WEEKS * INVITED_PER_WEEK * 3])
    if manager is None or len(members) < WEEKS * INVITED_PER_WEEK:
        return
    before = _counts()
    rng = np.random.default_rng(world.seed + 15)
    end = world.period.end
    start = end - timedelta(weeks=WEEKS)
    languages = [language_key(code) for code in business_languages()]
    with clock_at(start - timedelta(days=1)):
        visit = survey_open(survey=survey_create(data=_visit(languages), actor=manager), actor=manager)
        survey_open(survey=survey_create(data=_after_case(languages), actor=manager), actor=manager)
    chosen = rng.permutation(len(members))
    planted: list[dict[str, Any]] = []
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        if week == WEEKS - 1:
            with clock_at(monday):
                loop_rule_add(survey=visit, kind="detractor", actor=manager)
        weights = FIRST_WEEK + (LAST_WEEK - FIRST_WEEK) * week / (WEEKS - 1)
        for slot in range(INVITED_PER_WEEK):
            member_id, locale = members[int(chosen[week * INVITED_PER_WEEK + slot])]
            moment = monday + timedelta(hours=10 + slot * 5)
            planted += _week_answer(world, visit, manager, member_id, locale, moment, weights, rng)
    # The themes of the free-text answers, found as the hourly job would at the period's end.
    if text_method_installed():
        with clock_at(end):
            themes_find_for_survey(survey=visit)
    _summarise(world, visit, planted)
    _meetings_plant(world, manager, languages)
    world.counts.update(_counts() - before)


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


def _week_answer(
    world: World,
    survey: Survey,
    manager: User,
    member_id: int,
    locale: str,
    moment: datetime,
    weights: np.ndarray,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    member = Member.objects.get(pk=member_id)
    with clock_at(moment):
        invitations_send(survey=survey, members=[member], actor=manager, batch=f"demo-week-{moment.date()}")
    if rng.random() > ANSWER_SHARE:
        return []
    score = int(rng.choice(11, p=weights / weights.sum()))
    # A few visitors write in Chinese though their file says English: the answers come in four languages.
    language = "zh-hans" if locale == "en" and rng.random() < 0.3 else language_key(locale)
    said = _said(language, score, rng)
    answers: dict[str, object] = {
        "nps": score,
        "csat": int(min(5, max(1, round(score / 2)))),
        "visit": str(rng.choice(list(VISIT_CHOICES))),
        "more": said["text"],
    }
    if score <= 6:
        answers["why"] = said["text"]
        answers.pop("more")
    invitation = member.survey_invitations.get(survey=survey)
    with clock_at(moment + timedelta(hours=2)):
        response_submit(
            survey=survey,
            data=ResponseInput(answers=answers, invitation=invitation, channel="link", language=language),
        )
    return [{"nps": score, "language": language, **said}]


def _said(language: str, score: int, rng: np.random.Generator) -> dict[str, str]:
    feeling = "negative" if score <= 6 else "positive"
    options = [said for said in ANSWERS.get(language, ANSWERS["en"]) if said.feeling == feeling]
    said = options[int(rng.integers(len(options)))]
    return {"theme": said.theme, "feeling": said.feeling, "text": said.text}


def _translations(texts: dict[str, str], languages: list[str]) -> tuple[str, dict[str, str]]:
    """The main language's text and the others', for the languages the business writes in."""
    main = languages[0]
    return texts.get(main, texts["en"]), {code: texts[code] for code in languages[1:] if code in texts}


def _question(key: str, kind: str, languages: list[str], **fields: Any) -> QuestionInput:
    text, translations = _translations(QUESTIONS[key], languages)
    return QuestionInput(type=kind, key=key, text=text, text_translations=translations, **fields)


def _visit(languages: list[str]) -> SurveyInput:
    title, titles = _translations(VISIT_TITLE, languages)
    intro, intros = _translations(VISIT_INTRO, languages)
    choices = []
    for choice_id, texts in VISIT_CHOICES.items():
        text, translations = _translations(texts, languages)
        choices.append(ChoiceInput(choice_id, text, translations))
    return SurveyInput(
        title=title,
        title_translations=titles,
        intro=intro,
        intro_translations=intros,
        throttle_days=60,
        questions=[
            _question("nps", "nps", languages, required=True),
            _question("why", "text", languages, shown_when={"question": "nps", "at_most": 6}),
            _question("csat", "csat", languages),
            _question("visit", "single_choice", languages, choices=choices),
            _question("more", "text", languages),
        ],
    )


def _after_case(languages: list[str]) -> SurveyInput:
    title, titles = _translations(CASE_TITLE, languages)
    text, translations = _translations(CASE_QUESTION, languages)
    return SurveyInput(
        title=title,
        title_translations=titles,
        trigger="case_closed",
        throttle_days=0,
        questions=[
            QuestionInput(type="csat", key="csat", text=text, text_translations=translations, required=True)
        ],
    )


def _summarise(world: World, survey: Survey, planted: list[dict[str, Any]]) -> None:
    score = nps([answer["nps"] for answer in planted])
    follow_ups = FollowUp.objects.filter(response__survey=survey).count()
    themes = Theme.objects.filter(survey=survey, answers_count__gt=0).count()
    world.truth["feedback"] = {
        "survey": survey.pk,
        "nps": score.value,
        "responses": len(planted),
        "follow_up_cases": follow_ups,
        "answers": planted,
    }
    world.lines.append(
        f"Feedback: the visit survey answered {len(planted)} times over {WEEKS} weeks (NPS "
        f"{score.value:.0f}), {follow_ups} {'detractor' if follow_ups == 1 else 'detractors'} of the last week "
        "followed up as cases; a survey after every closed case"
        + (f"; its free-text answers in {themes} themes" if themes else "")
    )


# The held panel's guests, in order: what each did. The first is a detractor whose follow-up case it hears.
HELD_GUESTS = (
    Attendance.ATTENDED,
    Attendance.ATTENDED,
    Attendance.ATTENDED,
    Attendance.ATTENDED,
    Attendance.ABSENT,
    Attendance.DECLINED,
)
PLANNED_GUESTS = (Attendance.ACCEPTED, Attendance.ACCEPTED, Attendance.INVITED, Attendance.INVITED)


def _meetings_plant(world: World, manager: User, languages: list[str]) -> None:
    end = world.period.end
    follow_up = FollowUp.objects.select_related("case").order_by("pk").first()
    first = [follow_up.case.member_id] if follow_up is not None and follow_up.case.member_id else []
    # Customers who answered the visit survey: those who already speak their mind.
    answered = Response.objects.filter(member__status=MemberStatus.ACTIVE).order_by("pk")
    chosen = first + [
        pk for pk in dict.fromkeys(answered.values_list("member_id", flat=True)) if pk not in first
    ]
    held_at = (end - timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    held_guests = chosen[: len(HELD_GUESTS)]
    planned_guests = chosen[len(HELD_GUESTS) : len(HELD_GUESTS) + len(PLANNED_GUESTS)]
    held = _meeting(
        HELD_MEETING_TITLE, languages, manager, at=held_at, invited_at=held_at - timedelta(days=14)
    )
    with clock_at(held_at - timedelta(days=14)):
        guests_invite(meeting=held, members=_members(held_guests), actor=manager)
    main = languages[0] if languages[0] in GUEST_NOTES else "en"
    notes = 0
    with clock_at(held_at + timedelta(hours=3)):
        for guest, attendance in zip(_guests(held, held_guests), HELD_GUESTS, strict=True):
            guest_attendance_set(guest=guest, attendance=attendance, actor=manager)
            if attendance == Attendance.ATTENDED:
                case = follow_up.case if follow_up is not None and guest.member_id in first else None
                note = GUEST_NOTES[main][notes % len(GUEST_NOTES[main])]
                guest_note_record(guest=guest, note=note, case=case, actor=manager)
                notes += 1
        meeting_hold(meeting=held, notes=MEETING_NOTES[main], actor=manager)
    planned_at = (end + timedelta(days=14)).replace(hour=15, minute=0, second=0, microsecond=0)
    planned = _meeting(
        PLANNED_MEETING_TITLE, languages, manager, at=planned_at, invited_at=end - timedelta(days=2)
    )
    with clock_at(end - timedelta(days=2)):
        guests_invite(meeting=planned, members=_members(planned_guests), actor=manager)
    with clock_at(end - timedelta(days=1)):
        for guest, attendance in zip(_guests(planned, planned_guests), PLANNED_GUESTS, strict=True):
            guest_attendance_set(guest=guest, attendance=attendance, actor=manager)
    world.truth["meetings"] = {
        "held": held.pk,
        "planned": planned.pk,
        "attended": HELD_GUESTS.count(Attendance.ATTENDED),
        "notes": notes,
        "case": follow_up.case.reference if follow_up is not None else None,
    }
    world.lines.append(
        f"Advisory meetings: a panel of {len(HELD_GUESTS)} regulars held ({notes} came, each one's words on "
        f"their file), and a tasting panel planned with {len(PLANNED_GUESTS)} invited"
    )


def _meeting(
    titles: dict[str, str], languages: list[str], manager: User, *, at: datetime, invited_at: datetime
) -> Meeting:
    title, translations = _translations(titles, languages)
    agenda = _translations(MEETING_AGENDA, languages)[0]
    store = Store.objects.order_by("pk").values_list("pk", flat=True).first()
    data = MeetingInput(
        title=title, title_translations=translations, starts_at=at, agenda=agenda, store_id=store
    )
    with clock_at(invited_at - timedelta(days=1)):
        return meeting_create(data=data, actor=manager)


def _members(member_ids: list[int]) -> list[Member]:
    by_id = Member.objects.in_bulk(member_ids)
    return [by_id[pk] for pk in member_ids]


def _guests(meeting: Meeting, member_ids: list[int]) -> list[MeetingGuest]:
    by_member = {guest.member_id: guest for guest in meeting.guests.all()}
    return [by_member[pk] for pk in member_ids]


PART = Part("feedback", after=surveys_plant)
