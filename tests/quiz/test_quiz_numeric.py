"""Every number in a right answer of the training quiz agrees with the reference implementation.

NUMERIC maps a question id to a function that computes, with `reference`, the text(s) that the
right option(s) must contain, rounded as the quiz writes them. A question not in NUMERIC must be in
NOT_NUMERIC with the reason, so a new numeric question cannot slip in unchecked.
"""
import math
from pathlib import Path

import numpy as np
import pytest

import reference
from grader.quiz import load_quiz

QUIZ = load_quiz(Path(__file__).resolve().parents[2] / "quizzes" / "day7_training.yaml")


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


def right_text(question):
    return " | ".join(question.options[letter] for letter in sorted(question.answer))


@pytest.mark.parametrize("qid", sorted(NUMERIC))
def test_right_answer_agrees_with_the_reference(qid):
    question = next(q for q in QUIZ.questions if q.id == qid)
    text = right_text(question)
    for expected in NUMERIC[qid]():
        assert expected in text, f"{qid}: the right option should say {expected!r}, it says {text!r}"


@pytest.mark.parametrize("qid, letter", sorted(DISTRACTORS))
def test_numeric_distractors_are_what_their_feedback_says(qid, letter):
    question = next(q for q in QUIZ.questions if q.id == qid)
    assert letter not in question.answer
    for expected in DISTRACTORS[(qid, letter)]():
        assert expected in question.options[letter]


def test_every_question_is_classified():
    ids = {q.id for q in QUIZ.questions}
    assert ids == set(NUMERIC) | set(NOT_NUMERIC)
    assert not set(NUMERIC) & set(NOT_NUMERIC)


def test_the_check_can_fail():
    """A wrong number in a right option is caught (here: the chain rule's df/dz as -3)."""
    question = next(q for q in QUIZ.questions if q.id == "chain_rule")
    expected = chain_rule()[0]
    assert expected in right_text(question)
    assert expected not in right_text(question).replace("df/dz = 3", "df/dz = -3")
