"""What each question type accepts, which questions branching shows, and how a whole submission is checked."""

from __future__ import annotations

import pytest

from patronage.core.errors import ValidationFailed
from patronage.feedback.questions import (
    Condition,
    Question,
    QuestionType,
    answer_clean,
    questions_check,
    questions_shown,
    submission_clean,
)

NPS = Question("q1", QuestionType.NPS, required=True)
CSAT = Question("csat", QuestionType.CSAT)
CES = Question("ces", QuestionType.CES)
RATING_10 = Question("r", QuestionType.RATING, scale=(1, 10))
SINGLE = Question("visit", QuestionType.SINGLE_CHOICE, choices=("store", "online", "phone"))
MULTIPLE = Question("liked", QuestionType.MULTIPLE_CHOICE, choices=("staff", "price", "speed"))
TEXT = Question("words", QuestionType.TEXT, max_length=10)
# "What went wrong?" only for detractors; "what did you like?" only for those who came to the store.
WRONG = Question("wrong", QuestionType.TEXT, required=True, shown_when=Condition("q1", at_most=6))
LIKED_IN_STORE = Question(
    "liked_store",
    QuestionType.MULTIPLE_CHOICE,
    choices=("staff", "shelves"),
    shown_when=Condition("visit", any_of=frozenset({"store"})),
)


def refusal(question: Question, value: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        answer_clean(question, value)
    return caught.value


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        (NPS, [0, 10, 6], [-1, 11, 7.5, 9.0, True, False, "9", [9]]),
        (CSAT, [1, 5], [0, 6, True, "4"]),
        (CES, [1, 7], [0, 8, 3.5]),
        (RATING_10, [1, 10], [0, 11, "10"]),
        (Question("r5", QuestionType.RATING, scale=(1, 5)), [1, 5], [0, 6]),
    ],
)
def test_scale_answers_are_whole_numbers_within_the_scale(question, good, bad):
    for value in good:
        assert answer_clean(question, value) == value
    for value in bad:
        assert refusal(question, value).field == f"answers[{question.id}]", value


def test_the_message_names_the_scale():
    assert refusal(NPS, 11).message == "an NPS answer is a whole number from 0 to 10"
    assert refusal(CSAT, True).message == "a CSAT answer is a whole number from 1 to 5"
    assert refusal(CES, "3").message == "a CES answer is a whole number from 1 to 7"
    assert refusal(RATING_10, 0).message == "this rating is a whole number from 1 to 10"


def test_a_single_choice_is_one_of_the_choice_ids():
    assert answer_clean(SINGLE, "online") == "online"
    for bad in ["shop", ["store"], 1]:
        assert refusal(SINGLE, bad).message == "choose one of this question's choices"


def test_a_multiple_choice_keeps_the_questions_order_and_refuses_repeats_and_strangers():
    assert answer_clean(MULTIPLE, ["speed", "staff"]) == ("staff", "speed")
    assert answer_clean(MULTIPLE, []) is None
    assert refusal(MULTIPLE, ["staff", "staff"]).message == "each choice can be chosen once"
    assert (
        refusal(MULTIPLE, ["staff", "parking"]).message == "'parking' is not one of this question's choices"
    )
    assert refusal(MULTIPLE, "staff").message == "choose a list of this question's choices"
    assert refusal(MULTIPLE, [1]).message == "choose a list of this question's choices"


def test_free_text_is_stripped_and_bounded_and_blank_is_no_answer():
    assert answer_clean(TEXT, "  slow till \n") == "slow till"
    assert answer_clean(TEXT, "   ") is None
    assert answer_clean(TEXT, "x" * 10) == "x" * 10
    assert refusal(TEXT, "x" * 11).message == "an answer here is at most 10 characters"
    assert refusal(TEXT, "a\x00b").field == "answers[words]"
    assert refusal(TEXT, 5).message == "a free-text answer is text"


def test_none_is_no_answer_for_every_type():
    for question in (NPS, CSAT, CES, RATING_10, SINGLE, MULTIPLE, TEXT):
        assert answer_clean(question, None) is None


SURVEY = (NPS, WRONG, SINGLE, LIKED_IN_STORE, TEXT)


def shown_ids(answers):
    return [question.id for question in questions_shown(SURVEY, answers)]


def test_a_follow_up_shows_only_when_the_earlier_answer_matches():
    assert shown_ids({}) == ["q1", "visit", "words"]
    assert shown_ids({"q1": 6}) == ["q1", "wrong", "visit", "words"]
    assert shown_ids({"q1": 7}) == ["q1", "visit", "words"]
    assert shown_ids({"visit": "store"}) == ["q1", "visit", "liked_store", "words"]


def test_a_question_behind_a_hidden_question_is_hidden():
    more = Question(
        "more", QuestionType.SINGLE_CHOICE, choices=("a", "b"), shown_when=Condition("q1", at_most=6)
    )
    most = Question("most", QuestionType.TEXT, shown_when=Condition("more", any_of=frozenset({"a"})))
    survey = (NPS, more, most)
    assert [q.id for q in questions_shown(survey, {"q1": 3, "more": "a"})] == ["q1", "more", "most"]
    # "more" was answered while q1 was 3; once q1 is 9, "more" is hidden and so is "most".
    assert [q.id for q in questions_shown(survey, {"q1": 9, "more": "a"})] == ["q1"]


def test_a_multiple_choice_condition_holds_when_any_listed_choice_is_chosen():
    later = Question("later", QuestionType.TEXT, shown_when=Condition("liked", any_of=frozenset({"price"})))
    assert [q.id for q in questions_shown((MULTIPLE, later), {"liked": ("staff", "price")})] == [
        "liked",
        "later",
    ]
    assert [q.id for q in questions_shown((MULTIPLE, later), {"liked": ("staff",)})] == ["liked"]


def submission_refusal(answers, *, partial=False):
    with pytest.raises(ValidationFailed) as caught:
        submission_clean(SURVEY, answers, partial=partial)
    return caught.value


def test_a_complete_submission_keeps_the_clean_answers():
    kept = submission_clean(SURVEY, {"q1": 3, "wrong": " rude ", "visit": "store", "liked_store": ["staff"]})
    assert kept == {"q1": 3, "wrong": "rude", "visit": "store", "liked_store": ("staff",)}


def test_an_answer_to_an_unknown_question_is_refused():
    error = submission_refusal({"q1": 9, "q99": 3})
    assert error.errors == [{"field": "answers[q99]", "message": "this survey has no such question"}]


def test_a_shown_required_question_left_unanswered_is_refused_unless_partial():
    error = submission_refusal({"q1": 2, "wrong": "  "})
    assert error.errors == [{"field": "answers[wrong]", "message": "this question needs an answer"}]
    assert submission_clean(SURVEY, {"q1": 2}, partial=True) == {"q1": 2}
    assert submission_refusal({"visit": "phone"}).field == "answers[q1]"


def test_a_hidden_required_question_is_not_asked_for():
    assert submission_clean(SURVEY, {"q1": 9}) == {"q1": 9}


def test_answers_to_hidden_questions_are_dropped_but_still_checked():
    # The respondent first gave 5, typed what went wrong, then changed their mind to 9.
    assert submission_clean(SURVEY, {"q1": 9, "wrong": "slow"}) == {"q1": 9}
    assert submission_refusal({"q1": 9, "wrong": 4}).field == "answers[wrong]"


def test_every_problem_is_reported_at_once_even_for_a_partial_response():
    error = submission_refusal({"q1": 11, "visit": "shop", "nope": 1}, partial=True)
    assert [problem["field"] for problem in error.errors] == [
        "answers[q1]",
        "answers[visit]",
        "answers[nope]",
    ]
    assert error.message.startswith("an NPS answer is a whole number from 0 to 10; ")


def test_a_bad_controlling_answer_does_not_ask_for_its_follow_up():
    error = submission_refusal({"q1": 3.5})
    assert [problem["field"] for problem in error.errors] == ["answers[q1]"]


def test_a_complete_response_needs_an_answer_but_an_empty_partial_one_is_kept():
    optional = (CSAT, TEXT)
    with pytest.raises(ValidationFailed) as caught:
        submission_clean(optional, {"words": " "})
    assert caught.value.field == "answers"
    assert submission_clean(optional, {}, partial=True) == {}


def check_fields(questions):
    with pytest.raises(ValidationFailed) as caught:
        questions_check(questions)
    return {problem["field"]: problem["message"] for problem in caught.value.errors}


def test_a_sound_survey_passes():
    questions_check((*SURVEY, CSAT, CES, RATING_10, MULTIPLE))


def test_a_survey_with_broken_questions_is_refused_by_position():
    fields = check_fields(
        (
            Question("a", QuestionType.RATING),
            Question("a", QuestionType.NPS, scale=(0, 5)),
            Question("c", QuestionType.SINGLE_CHOICE, choices=("x",)),
            Question("d", QuestionType.MULTIPLE_CHOICE, choices=("x", "x")),
            Question("e", QuestionType.CSAT, choices=("x", "y")),
            Question("f", QuestionType.TEXT, max_length=0),
            Question("g", QuestionType.RATING, scale=(1, 11)),
        )
    )
    assert set(fields) == {
        "questions[0].scale",
        "questions[1].id",
        "questions[1].scale",
        "questions[2].choices",
        "questions[3].choices",
        "questions[4].choices",
        "questions[5].max_length",
        "questions[6].scale",
    }


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (Condition("later", at_most=6), "a question can depend only on a question before it"),
        (Condition("itself", at_most=6), "a question can depend only on a question before it"),
        (Condition("q1"), "a condition lists answers or sets bounds, one of the two"),
        (
            Condition("q1", any_of=frozenset({9}), at_least=9),
            "a condition lists answers or sets bounds, one of the two",
        ),
        (Condition("words", any_of=frozenset({"x"})), "a question cannot depend on a free-text answer"),
        (
            Condition("q1", any_of=frozenset({11})),
            "the condition lists an answer its question does not accept",
        ),
        (
            Condition("q1", any_of=frozenset({True})),
            "the condition lists an answer its question does not accept",
        ),
        (
            Condition("visit", any_of=frozenset({"shop"})),
            "the condition lists an answer its question does not accept",
        ),
        (Condition("visit", at_most=2), "the condition's bounds must lie on its question's scale"),
        (Condition("q1", at_most=11), "the condition's bounds must lie on its question's scale"),
        (Condition("q1", at_least=7, at_most=6), "the condition's lower bound is above its upper bound"),
    ],
)
def test_a_condition_that_cannot_work_is_refused(condition, message):
    survey = (
        NPS,
        SINGLE,
        TEXT,
        Question("itself", QuestionType.TEXT, shown_when=condition),
        Question("later", QuestionType.NPS),
    )
    assert check_fields(survey) == {"questions[3].shown_when": message}
