"""Scoring: one point a question; a multi-select earns 1/k for each of its k right options ticked
and loses 1/w for each of its w wrong ones ticked, never below 0. And the answer reader that the
prompt, --answers and the class CSV share."""
from fractions import Fraction

import pytest

from grader.quiz import QuizError, load_quiz, score
from grader.quiz.answers import AnswerError, parse_answer_list, parse_choice
from grader.quiz.scoring import option_weights, points_json, points_text


def letters(text):
    return frozenset(text)


@pytest.fixture
def quiz(small_quiz):
    return load_quiz(small_quiz)  # answers: one B, two [A, C], three A


def test_all_right(quiz):
    result = score(quiz, [letters("B"), letters("AC"), letters("A")])
    assert (result.score, result.max_score) == (3, 3)
    assert result.missed == []
    assert [item.points for item in result.items] == [1, 1, 1]


def test_all_wrong(quiz):
    result = score(quiz, [letters("A"), letters("BD"), letters("B")])
    assert (result.score, result.max_score) == (0, 3)
    assert [item.question.id for item in result.missed] == ["one", "two", "three"]


def test_partial(quiz):
    result = score(quiz, [letters("B"), letters("AC"), letters("B")])
    assert result.score == 2
    assert [item.right for item in result.items] == [True, True, False]
    assert [item.question.id for item in result.missed] == ["three"]


# Question two: right A and C (k = 2, +1/2 each), wrong B and D (w = 2, -1/2 each).
@pytest.mark.parametrize("given, points", [
    ("AC", 1), ("CA", 1),
    ("A", Fraction(1, 2)), ("C", Fraction(1, 2)),       # a right letter missing
    ("ACD", Fraction(1, 2)), ("ABC", Fraction(1, 2)),   # a wrong letter added
    ("AB", 0), ("CD", 0),                               # one right, one wrong: they cancel
    ("ABCD", 0),                                        # ticking everything earns nothing
    ("BD", 0), ("B", 0),                                # only wrong ones: floored at 0, not -1
])
def test_multi_select_partial_credit(quiz, given, points):
    result = score(quiz, [letters("B"), letters(given), letters("A")])
    assert result.items[1].points == points
    assert result.items[1].right is (points == 1)
    assert result.items[1].partial is (0 < points < 1)
    assert result.score == 2 + points


@pytest.fixture
def three_of_four(write_quiz):
    """A select-all question shaped like learning_rate: right A, B and D, wrong C."""
    return load_quiz(write_quiz("questions:\n  - id: lr\n    prompt: p\n"
                                "    options: {A: a, B: b, C: c, D: d}\n    answer: [A, B, D]\n", name="lr"))


@pytest.mark.parametrize("given, points", [
    ("ABD", 1), ("AB", Fraction(2, 3)), ("D", Fraction(1, 3)),
    ("ABC", 0),      # 2/3 - 1 is below 0
    ("ABCD", 0),     # ticking everything earns nothing, though 3 of the 4 options are right
    ("C", 0),
])
def test_three_right_options_and_one_wrong(three_of_four, given, points):
    assert score(three_of_four, [letters(given)]).score == points


def test_the_weights_state_the_rule(quiz, three_of_four):
    assert option_weights(quiz.questions[0]) == {"A": 0, "B": 1, "C": 0}      # one answer: 1 or 0
    assert option_weights(quiz.questions[1]) == {"A": Fraction(1, 2), "B": Fraction(-1, 2),
                                                 "C": Fraction(1, 2), "D": Fraction(-1, 2)}
    assert option_weights(three_of_four.questions[0]) == {"A": Fraction(1, 3), "B": Fraction(1, 3),
                                                          "C": -1, "D": Fraction(1, 3)}


def test_one_answer_question_has_no_partial_credit(quiz):
    for given, points in [("A", 0), ("B", 1), ("C", 0)]:
        assert score(quiz, [letters(given), letters("AC"), letters("A")]).items[0].points == points


@pytest.mark.parametrize("points, text, number", [
    (Fraction(2, 3), "0.67", 0.6667), (Fraction(1, 2), "0.5", 0.5), (Fraction(1, 3), "0.33", 0.3333),
    (Fraction(55, 3), "18.33", 18.3333), (Fraction(4), "4", 4), (Fraction(0), "0", 0), (Fraction(10), "10", 10),
])
def test_points_as_text_and_json(points, text, number):
    assert points_text(points) == text
    assert points_json(points) == number and isinstance(points_json(points), type(number))


def test_no_answer_scores_zero(quiz):
    result = score(quiz, [None, letters("AC"), letters("A")])
    assert result.score == 2 and not result.items[0].right and result.items[0].points == 0


def test_json_document(quiz):
    data = score(quiz, [letters("B"), letters("CA"), letters("B")]).to_json()
    assert data["quiz"] == "small" and data["score"] == 2 and data["max_score"] == 3
    assert data["questions"][1] == {"number": 2, "id": "two", "multi": True, "given": "AC",
                                    "answer": "AC", "right": True, "points": 1, "max_points": 1}
    assert data["questions"][2]["right"] is False and data["questions"][2]["points"] == 0
    assert [t["status"] for t in data["tests"]] == ["passed", "passed", "failed"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]


def test_json_document_with_partial_credit(quiz):
    data = score(quiz, [letters("B"), letters("A"), letters("A")]).to_json()
    assert data["score"] == 2.5 and data["output"] == "Score: 2.5/3"
    assert data["questions"][1]["points"] == 0.5 and data["questions"][1]["right"] is False
    assert data["tests"][1]["score"] == 0.5 and data["tests"][1]["status"] == "failed"
    assert data["tests"][1]["output"] == "given A, right answer AC, 0.5 of 1 point"


@pytest.mark.parametrize("raw, expected", [
    ("B", "B"), ("b", "B"), ("  c ", "C"),
])
def test_single_choice_spellings(quiz, raw, expected):
    assert parse_choice(raw, quiz.questions[0]) == frozenset(expected)


@pytest.mark.parametrize("raw", ["AC", "ac", "A,C", "a, c", "A+C", "A C", "C,A", " c+a "])
def test_multi_select_spellings(quiz, raw):
    assert parse_choice(raw, quiz.questions[1]) == frozenset("AC")


@pytest.mark.parametrize("question, raw, message", [
    (0, "", "no answer given"),
    (0, "E", "'E' is not one of A, B, C"),
    (0, "e", "'e' is not one of A, B, C"),
    (0, "?", "'?' is not one of A, B, C"),
    (0, "bee", "'bee' is not one of A, B, C"),
    (0, "AB", "'AB' gives more than one letter; this question takes one of A, B, C"),
    (1, "AZ", "'Z' is not one of A, B, C, D"),
    (1, "AA", "'AA' names the same letter twice"),
    (2, "C", "'C' is not one of A, B"),
])
def test_invalid_answers_say_why(quiz, question, raw, message):
    with pytest.raises(AnswerError) as info:
        parse_choice(raw, quiz.questions[question])
    assert message in str(info.value)


def test_answer_list(quiz):
    assert parse_answer_list("b,AC,a", quiz) == [letters("B"), letters("AC"), letters("A")]
    assert parse_answer_list(" B , A+C , A ", quiz) == [letters("B"), letters("AC"), letters("A")]


@pytest.mark.parametrize("text, message", [
    ("B,AC", "--answers has 2 answers but quiz 'small' has 3 questions"),
    ("B,A,C,A", "--answers has 4 answers but quiz 'small' has 3 questions"),
    ("B,AC,E", "--answers: question 3 (three): 'E' is not one of A, B"),
    ("B,,A", "--answers: question 2 (two): no answer given"),
    ("BC,AC,A", "--answers: question 1 (one): 'BC' gives more than one letter"),
])
def test_answer_list_errors(quiz, text, message):
    with pytest.raises(QuizError) as info:
        parse_answer_list(text, quiz)
    assert message in str(info.value)
