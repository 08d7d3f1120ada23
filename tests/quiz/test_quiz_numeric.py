"""Every number in the training quiz agrees with the reference implementation.

NUMERIC maps a question id to a function that computes, with `reference`, the text(s) that the
right option(s) must contain, rounded as the quiz writes them; no wrong option may state one
(unless PARTLY_RIGHT says why). A question not in NUMERIC must be in NOT_NUMERIC with the reason,
so a new numeric question cannot slip in unchecked. DISTRACTORS checks the numbers of wrong
options, and QUOTED the numbers that explanations and feedback quote. The last tests run the
same checks on edited copies of the quiz file, to show they fail when a number is wrong.
"""
import math
import operator
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


def confident_mistake_gradients(y_hat, y=1.0):
    """dL/dz2 of one sample whose sigmoid output is y_hat: (BCE, the lecture's (y - y_hat)^2).
    z2 is the logit of y_hat; the squared error's chain rule goes through the reference's
    sigmoid_prime, BCE's is the reference's dz2 (n = 1)."""
    z2 = math.log(y_hat / (1 - y_hat))
    assert math.isclose(reference.sigmoid(z2), y_hat)
    bce_grad = reference.dz2(one(y_hat), one(y)).item()
    mse_grad = 2 * (y_hat - y) * reference.sigmoid_prime(z2)
    return bce_grad, mse_grad


def bce_mse_gradient():
    bce_grad, mse_grad = confident_mistake_gradients(0.05)
    return [f"BCE: {bce_grad:g}", f"about {mse_grad:.3f}", f"about {round(bce_grad / mse_grad, -1):.0f} times smaller"]


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
                                   bce_vs_mse, bce_mse_gradient, db_sum, standardize_why,
                                   standardize_how]}
NOT_NUMERIC = {
    "forward_pass": "the order of the formulas, no number",
    "backpropagation": "what backpropagation is for, no number",
    "loss": "what a loss measures, no number",
    "dz2_formula": "a formula, y_hat - y",
    "gradient_descent": "which way the update goes, no number",
    "learning_rate": "what lr does, no number",
}

# Wrong options that state what a number is (their feedback says so): checked too.
DISTRACTORS = {
    ("bce_table", "B"): lambda: [", ".join(f"{reference.mse(one(y), one(h)):.4g}"
                                           for y, h in [(1, 0.95), (1, 0.05)])],
    ("bce_table", "A"): lambda: ["{:.2f}, {:.2f} and {:.2f}".format(*(abs(y - h) for y, h in [(1, 0.95), (1, 0.05), (0, 0.95)]))],
    ("bce_confident", "C"): lambda: [f"{-math.log10(0.95):.4f}"],
    ("dz2_value", "A"): lambda: [f"{-1 / 0.8:g}"],                                     # dL/dy_hat = -y/y_hat
    ("dz2_value", "D"): lambda: [f"{reference.dz2(one(0.8), one(1)).item() * reference.sigmoid_prime(math.log(4)):.3f}"],
    ("bce_mse_gradient", "A"): lambda: [f"BCE: {-1 / 0.05:g}", f"squared error: {2 * (0.05 - 1):g}"],
    ("bce_mse_gradient", "B"): lambda: [f"squared error: {2 * (0.05 - 1):g}"],
}


def _table():
    X, _, names = reference.load_lecture_table()
    return X, names


def _pooled():
    """Standardizing with one mean and one std over all of X: the wrong way of standardize_how C."""
    X, _ = _table()
    Z = (X - X.mean()) / X.std()
    return X, Z


# Numbers quoted in explanations ("explanation") and in the feedback of an option (its letter):
# each function returns the texts that must appear there, computed with the reference.
QUOTED = {
    ("dz2_value", "explanation"): lambda: [f"0.8 - 1 = {reference.dz2(one(0.8), one(1)).item():g}"],
    ("dz2_value", "A"): lambda: [f"y_hat (1 - y_hat) = {reference.sigmoid_prime(math.log(4)):.2f}"],
    ("chain_rule", "explanation"): lambda: [f"q = x + y = {-2 + 5}", f"f = q z = {reference.chain_rule(-2, 5, -4)[0]:g}"],
    ("bce_table", "explanation"): lambda: [f"-log(0.95) ≈ {reference.bce(one(1), one(0.95)):.2f}",
                                           f"-log(0.05) ≈ {reference.bce(one(1), one(0.05)):.1f}"],
    ("bce_confident", "explanation"): lambda: [f"-ln(0.95) ≈ {reference.bce(one(1), one(0.95)):.4f}"],
    ("bce_vs_mse", "A"): lambda: [f"-log(0.05) ≈ {reference.bce(one(1), one(0.05)):.1f}"],
    ("bce_vs_mse", "C"): lambda: [f"(1 - 0.05)^2 = {reference.mse(one(1), one(0.05)):.4f}"],
    ("bce_vs_mse", "D"): lambda: [f"{reference.bce(one(1), one(0.05)):.1f} against {reference.mse(one(1), one(0.05)):.2f}"],
    ("bce_mse_gradient", "explanation"): lambda: [
        f"0.05 - 1 = {confident_mistake_gradients(0.05)[0]:g}",
        f"2 (y_hat - y) = {2 * (0.05 - 1):g}",
        f"y_hat (1 - y_hat) = {reference.sigmoid_prime(math.log(0.05 / 0.95)):.4f}",
        f"about {confident_mistake_gradients(0.05)[1]:.3f}",
        f"about {round(operator.truediv(*confident_mistake_gradients(0.05)), -1):.0f} times smaller",
        f"about {round(operator.truediv(*confident_mistake_gradients(0.001)), -2):.0f} times at y_hat = 0.001"],
    ("bce_mse_gradient", "A"): lambda: [f"-y/y_hat = {-1 / 0.05:g}",
                                        f"y_hat (1 - y_hat) = {reference.sigmoid_prime(math.log(0.05 / 0.95)):.4f}"],
    ("bce_mse_gradient", "B"): lambda: [f"slope, {reference.sigmoid_prime(math.log(0.05 / 0.95)):.4f}"],
    ("bce_mse_gradient", "C"): lambda: [f"slope is {reference.sigmoid_prime(math.log(0.05 / 0.95)):.4f}",
                                        f"largest value {reference.sigmoid_prime(0.0):.2f}",
                                        f"({confident_mistake_gradients(0.05)[1]:.3f})"],
    ("standardize_why", "B"): lambda: [f"about {_correlation(_table()[0]):.3f} before and after"],
    ("standardize_why", "C"): lambda: [f"Diana, the lightest, is still the lightest, at {_diana():.2f}"],
    ("standardize_how", "C"): lambda: [f"One mean ({_pooled()[0].mean():g})",
                                       f"one std (about {_pooled()[0].std():.0f})",
                                       f"weight column with mean {_pooled()[1][:, 0].mean():.2f}",
                                       f"height column with mean {_pooled()[1][:, 1].mean():.2f}",
                                       f"spreads of only {_pooled()[1][:, 0].std():.2f} and {_pooled()[1][:, 1].std():.2f}"],
}


def _correlation(X):
    before = np.corrcoef(X.T)[0, 1]
    after = np.corrcoef(reference.standardize(X)[0].T)[0, 1]
    assert math.isclose(before, after)
    return before


def _diana():
    X, names = _table()
    weights = reference.standardize(X)[0][:, 0]
    assert names[int(np.argmin(weights))] == "Diana" == names[int(np.argmin(X[:, 0]))]
    return weights[names.index("Diana")]


def quoted_problems(quiz, keys=None):
    """Every quoted number of QUOTED that the explanation or feedback does not say."""
    found = []
    for qid, where in sorted(keys or QUOTED):
        question = next(q for q in quiz.questions if q.id == qid)
        text = question.explanation if where == "explanation" else question.feedback.get(where, "")
        found += [f"{qid} {where}: should say {value!r}" for value in QUOTED[(qid, where)]() if value not in text]
    return found


# Wrong options that deliberately state part of the right answer; the rest of each is wrong.
PARTLY_RIGHT = {
    ("data_shapes", "D"): "the shape of X is right, the labels are flipped",
    ("bce_mse_gradient", "B"): "BCE's gradient is right, the squared error's misses the sigmoid's slope",
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


@pytest.mark.parametrize("key", sorted(QUOTED), ids=lambda key: f"{key[0]}-{key[1]}")
def test_numbers_quoted_in_explanations_and_feedback_agree_with_the_reference(key):
    assert quoted_problems(QUIZ, [key]) == []


def test_the_lecture_mse_gradient_is_about_10_times_smaller_not_vanishing():
    """bce_mse_gradient and dz2_formula C: with the lecture's MSE (no 1/2), dL/dz2 is
    2 (y_hat - y) y_hat (1 - y_hat): about 10.5 times smaller than BCE's at y_hat = 0.05."""
    bce_grad, mse_grad = confident_mistake_gradients(0.05)
    assert bce_grad == pytest.approx(-0.95) and mse_grad == pytest.approx(-0.09025)
    assert bce_grad / mse_grad == pytest.approx(1 / (2 * 0.05 * 0.95))
    assert 10 < bce_grad / mse_grad < 11
    # and the same with numbers from the network: the reference's mse differentiated numerically
    z2 = one(math.log(0.05 / 0.95))
    numeric = reference.numerical_gradient(lambda z: reference.mse(one(1.0), reference.sigmoid(z)), z2.copy())
    assert numeric.item() == pytest.approx(mse_grad, rel=1e-5)
    feedback = next(q for q in QUIZ.questions if q.id == "dz2_formula").feedback["C"]
    assert "up to a factor 2" in feedback and "2 (y_hat - y) y_hat (1 - y_hat)" in feedback


def test_the_recap_numbers_agree_with_the_reference():
    """The recap's ReLU feedback compares with the sigmoid's slope; its linear-layers explanation
    states an identity. Both checked: the slope with the reference, the identity on random arrays."""
    recap = {q.id: q for q in load_quiz(QUIZ_FILE.with_name("day7.yaml")).questions}
    relu = recap["relu"].feedback["B"]
    assert f"at most {reference.sigmoid_prime(0.0):.2f}" in relu
    assert f"about {reference.sigmoid_prime(10.0):.6f} at z = 10" in relu
    assert reference.relu_prime(np.array([-3.0, 5.0, 1e6])).tolist() == [0.0, 1.0, 1.0]
    assert "(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)" in recap["linear_mlp"].explanation
    rng = np.random.default_rng(0)
    x, W1, b1, W2, b2 = (rng.normal(size=s) for s in [(4, 2), (2, 3), (1, 3), (3, 1), (1, 1)])
    assert np.allclose((x @ W1 + b1) @ W2 + b2, x @ (W1 @ W2) + (b1 @ W2 + b2))


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


def test_the_quoted_check_catches_a_wrong_number_in_an_explanation(tmp_path):
    assert quoted_problems(QUIZ) == []
    quiz = edited_copy(tmp_path, "-ln(0.95) ≈ 0.0513", "-ln(0.95) = 0.05")
    assert quoted_problems(quiz) == ["bce_confident explanation: should say '-ln(0.95) ≈ 0.0513'"]
    quiz = edited_copy(tmp_path, "about 10 times smaller, not zero", "about 20 times smaller, not zero")
    assert quoted_problems(quiz) == ["bce_mse_gradient explanation: should say 'about 10 times smaller'"]


def test_the_check_catches_a_wrong_option_stating_the_right_number(tmp_path):
    quiz = edited_copy(tmp_path, 'B: "0.2"', 'B: "-0.2 (rounded)"')
    assert problems(quiz) == ["dz2_value: wrong option B states the right value '-0.2': '-0.2 (rounded)'"]
