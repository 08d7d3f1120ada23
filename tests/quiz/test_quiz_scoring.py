"""Scoring: one point a question, a multi-select right only for exactly the right set of letters;
and the answer reader that the prompt, --answers and the class CSV share."""
import pytest

from grader.quiz import QuizError, load_quiz, score
from grader.quiz.answers import AnswerError, parse_answer_list, parse_choice


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


@pytest.mark.parametrize("given, right", [
    ("AC", True), ("CA", True),
    ("A", False), ("C", False),        # a right letter missing
    ("ACD", False), ("ABC", False),    # a wrong letter added
    ("ABCD", False), ("BD", False),    # everything, or only the wrong ones
])
def test_multi_select_needs_exactly_the_right_set(quiz, given, right):
    result = score(quiz, [letters("B"), letters(given), letters("A")])
    assert result.items[1].right is right
    assert result.score == (3 if right else 2)


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
