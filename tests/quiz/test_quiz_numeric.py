"""Every number in a right answer of the training quiz agrees with the reference implementation.

NUMERIC maps a question id to a function that computes, with `reference`, the text(s) that the
right option(s) must contain, rounded as the quiz writes them; no wrong option may state one
(unless PARTLY_RIGHT says why). A question not in NUMERIC must be in NOT_NUMERIC with the reason,
so a new numeric question cannot slip in unchecked. The last tests run the same check on edited
copies of the quiz file, to show it fails when a number is wrong.
"""
import math
from pathlib import Path

import numpy as np
import pytest

import reference
from grader.quiz import load_quiz

QUIZ_FILE = Path(__file__).resolve().parents[2] / "quizzes" / "day7_training.yaml"
QUIZ = load_quiz(QUIZ_FILE)


def one(value):
    """A single sample as the reference's (1, 1) arrays."""
    return np.array([[value]], dtype=float)


def shape(array):
    return str(tuple(int(n) for n in array.shape))


def data_shapes():
    X, y, names = reference.load_lecture_table()
    assert names == ["Alice", "Bob", "Charlie", "Diana"]
    labels = "[" + ", ".join(str(int(v)) for v in y.ravel()) + "]"
    return [f"X has shape {shape(X)}", f"y = {labels} as a {shape(y)} column"]


def param_shapes():
    p = reference.init_params(2, 2)
    return [f"W1 {shape(p['W1'])}, b1 {shape(p['b1'])}, W2 {shape(p['W2'])}, b2 {shape(p['b2'])}"]


def hidden_shapes():
    X, _, _ = reference.load_lecture_table()
    y_hat, cache = reference.forward(X, reference.init_params(2, 2))
    return [f"a1 {shape(cache['a1'])} and y_hat {shape(y_hat)}"]


def dz2_value():
    return [f"{reference.dz2(one(0.8), one(1.0)).item():g}"]          # n = 1: y_hat - y


def sigmoid_derivative():
    return [f"sigmoid'(0) = {reference.sigmoid_prime(0.0):g}",
            f"about {reference.sigmoid_prime(10.0):.6f} at z = 10"]


def chain_rule():
    f, dfdx, dfdy, dfdz = reference.chain_rule(-2, 5, -4)
    return [f"f = {f:g}, df/dx = {dfdx:g}, df/dy = {dfdy:g}, df/dz = {dfdz:g}"]


def bce_table():
    a, b, c = (reference.bce(one(y), one(y_hat)) for y, y_hat in [(1, 0.95), (1, 0.05), (0, 0.95)])
    return [f"about {a:.2f}, {b:.1f} and {c:.1f}"]


def bce_confident():
    return [f"{reference.bce(one(1), one(0.95)):.4f}"]


def bce_vs_mse():
    return [f"about {reference.bce(one(1), one(0.05)):.1f}",
            f"only about {reference.mse(one(1), one(0.05)):.2f}"]


def db_sum():
    dz2 = reference.dz2(np.full((4, 1), 0.5), np.zeros((4, 1)))
    return [f"shape {shape(reference.db2(dz2))}"]


def standardize_why():
    X, _, _ = reference.load_lecture_table()
    _, mean, _ = reference.standardize(X)
    return [f"about {round(mean[0], -1):.0f} lb", f"about {mean[1]:.0f} in"]


def standardize_how():
    X, _, _ = reference.load_lecture_table()
    X_std, mean, std = reference.standardize(X)
    assert np.allclose(X_std.mean(axis=0), 0) and np.allclose(X_std.std(axis=0), 1)
    return [f"mean = [{mean[0]:g}, {mean[1]:g}]", "of each column"]


NUMERIC = {f.__name__: f for f in [data_shapes, param_shapes, hidden_shapes, dz2_value,
                                   sigmoid_derivative, chain_rule, bce_table, bce_confident,
                                   bce_vs_mse, db_sum, standardize_why, standardize_how]}
NOT_NUMERIC = {
    "forward_pass": "the order of the formulas, no number",
    "dz2_formula": "a formula, y_hat - y",
    "learning_rate": "what lr does, no number",
}

# Wrong options that state what a number is (their feedback says so): checked too.
DISTRACTORS = {
    ("bce_table", "B"): lambda: [", ".join(f"{reference.mse(one(y), one(h)):.4g}"
                                           for y, h in [(1, 0.95), (1, 0.05)])],
    ("bce_confident", "C"): lambda: [f"{-math.log10(0.95):.4f}"],
}


# Wrong options that deliberately state part of the right answer; the rest of each is wrong.
PARTLY_RIGHT = {
    ("data_shapes", "D"): "the shape of X is right, the labels are flipped",
}


def right_text(question):
    return " | ".join(question.options[letter] for letter in sorted(question.answer))


def problems(quiz, qids=None):
    """Every way `quiz` disagrees with the reference: a right option missing its number, or a
    wrong option stating a right number (which would make it right too)."""
    found = []
    for qid in sorted(qids or NUMERIC):
        question = next((q for q in quiz.questions if q.id == qid), None)
        if question is None:
            found.append(f"{qid}: no such question")
            continue
        expected = NUMERIC[qid]()
        text = right_text(question)
        found += [f"{qid}: the right option should say {value!r}, it says {text!r}"
                  for value in expected if value not in text]
        for letter, option in question.options.items():
            if letter in question.answer:
                continue
            stated = [value for value in expected if value in option]
            if stated and (qid, letter) not in PARTLY_RIGHT:
                found.append(f"{qid}: wrong option {letter} states the right value {stated[0]!r}: {option!r}")
            elif stated and len(stated) == len(expected):
                found.append(f"{qid}: wrong option {letter} states every right value: {option!r}")
    return found


@pytest.mark.parametrize("qid", sorted(NUMERIC))
def test_right_answer_agrees_with_the_reference_and_no_wrong_option_states_it(qid):
    assert problems(QUIZ, [qid]) == []


@pytest.mark.parametrize("qid, letter", sorted(DISTRACTORS))
def test_numeric_distractors_are_what_their_feedback_says(qid, letter):
    question = next(q for q in QUIZ.questions if q.id == qid)
    assert letter not in question.answer
    for expected in DISTRACTORS[(qid, letter)]():
        assert expected in question.options[letter]


def test_partly_right_options_are_wrong_options_of_numeric_questions():
    for qid, letter in PARTLY_RIGHT:
        question = next(q for q in QUIZ.questions if q.id == qid)
        assert qid in NUMERIC and letter in question.options and letter not in question.answer


def test_every_question_is_classified():
    ids = {q.id for q in QUIZ.questions}
    assert ids == set(NUMERIC) | set(NOT_NUMERIC)
    assert not set(NUMERIC) & set(NOT_NUMERIC)


def edited_copy(tmp_path, old, new):
    """day7_training.yaml with one text replaced, loaded as a quiz (the check runs on files)."""
    text = QUIZ_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "day7_training.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_quiz(path)


def test_the_check_catches_a_wrong_number_in_a_right_option(tmp_path):
    """The chain rule's right option (D) with df/dz = -3 instead of 3: the check must say so."""
    assert problems(QUIZ) == []
    quiz = edited_copy(tmp_path, "D: f = -12, df/dx = -4, df/dy = -4, df/dz = 3",
                       "D: f = -12, df/dx = -4, df/dy = -4, df/dz = -3")
    found = problems(quiz)
    assert len(found) == 1 and found[0].startswith("chain_rule: the right option should say 'f = -12, df/dx = -4")


def test_the_check_catches_a_wrong_option_stating_the_right_number(tmp_path):
    quiz = edited_copy(tmp_path, 'B: "0.2"', 'B: "-0.2 (rounded)"')
    assert problems(quiz) == ["dz2_value: wrong option B states the right value '-0.2': '-0.2 (rounded)'"]
