"""Hidden tests of exercise 10: standardize, train (judged by behaviour) and predict."""
import numpy as np

import reference
from ..compare import as_number_array, describe
from ..mistakes import Mistake
from clean_room.protocol import Call
from .base import HiddenTest, Verdict, call_text, error_verdict, first_failure, judge_call, params_problem, value_test
from .inputs import network, people, shapes

TABLE_EPOCHS = 200       # the reference learns the table in 200 epochs at lr = 0.5: final loss below 0.074 for 1000 seeds
PEOPLE = 80              # the hidden class
PEOPLE_ARGS = dict(n_hidden=3, lr=2.0, epochs=150)


def _standardize_rows(X):
    m, s = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
    return (X - m) / s, m, s


STANDARDIZE_MISTAKES = [
    Mistake("the sample standard deviation (ddof=1): this course standardizes with the population std, ddof=0, "
            "np.std's default, as the docstring says (the lecture does not go into it)",
            lambda X: ((X - X.mean(0)) / X.std(0, ddof=1), X.mean(0), X.std(0, ddof=1))),
    Mistake("standardized each row (axis=1): each column (feature) gets its own mean and std, axis=0",
            _standardize_rows),
    Mistake("one mean and std for the whole matrix: standardize each column, axis=0",
            lambda X: ((X - X.mean()) / X.std(), X.mean(), X.std())),
    Mistake("the mean is not subtracted: (X − mean) / std", lambda X: (X / X.std(0), X.mean(0), X.std(0))),
    Mistake("divided by the variance: divide by the standard deviation", lambda X: ((X - X.mean(0)) / X.var(0), X.mean(0), X.var(0))),
]


def _judge_standardize(X, result):
    """mean and std may come back as (d,) or (1, d): the SPEC only says 'per column'."""
    want = reference.standardize(X)
    got = result.value
    if result.error is None and isinstance(got, (tuple, list)) and len(got) == 3:
        d = X.shape[1]
        shaped = tuple(w.reshape(g.shape) if isinstance(g, np.ndarray) and g.size == d else w
                       for g, w in zip(got[1:], want[1:]))
        want = (want[0],) + shaped
    return judge_call("standardize", (X,), result, want, mistakes=STANDARDIZE_MISTAKES)


def _losses_verdict(head, losses, epochs):
    if not isinstance(losses, (list, tuple, np.ndarray)):
        return Verdict(False, f"{head}\nlosses should be a list of floats, got {describe(losses)}")
    values = as_number_array(losses)
    if values is None or values.ndim != 1:
        return Verdict(False, f"{head}\nlosses should be a flat list of one float per epoch, got {describe(losses)}")
    if len(values) != epochs:
        return Verdict(False, f"{head}\nexpected {epochs} losses (one per epoch), got {len(values)}",
                       "the epochs argument is not used, or the loss is not appended once per epoch")
    if not np.all(np.isfinite(values)):
        return Verdict(False, f"{head}\nthe losses contain NaN or inf", "NaN or inf during training")
    if not values[-1] < values[0]:
        return Verdict(False, f"{head}\nthe loss did not fall: first {values[0]:.4g}, last {values[-1]:.4g}",
                       "the parameters are not updated, or updated uphill (check sgd_step's result is kept: params = ...)")
    return None


def _judge_training(args, kwargs, result, min_accuracy, max_loss=None):
    X, y = args[:2]
    head = call_text("train", args) + (f" with {kwargs}" if kwargs else "")
    if result.error is not None:
        return error_verdict("train", args, result.error)
    if not isinstance(result.value, (tuple, list)) or len(result.value) != 2:
        return Verdict(False, f"{head}\ntrain should return (params, losses), got {describe(result.value)}")
    params, losses = result.value
    bad = _losses_verdict(head, losses, kwargs["epochs"])
    if bad:
        return bad
    problem = params_problem(params, X.shape[1], kwargs.get("n_hidden", 2))
    if problem:
        return Verdict(False, f"{head}\nthe returned params: {problem[0]}", problem[1])
    y_hat = reference.forward(X, params)[0]
    accuracy = float(np.mean((y_hat >= 0.5) == (y == 1)))
    loss = reference.bce(y, y_hat)
    summary = f"accuracy {accuracy:.0%}, final loss {loss:.4f} (first epoch's loss {float(losses[0]):.4f})"
    if accuracy < min_accuracy:
        return Verdict(False, f"{head}\nthe trained network classifies {accuracy:.0%}; at least {min_accuracy:.0%} wanted "
                              f"({summary})")
    if max_loss is not None and loss > max_loss:
        return Verdict(False, f"{head}\nthe final loss {loss:.4f} is above {max_loss} ({summary})")
    return Verdict(True, f"{head}: {summary}")


def _hidden_class(data_seed, train_seed):
    """The hidden class of data_seed, and what the reference reaches on it: the bar a student is held to."""
    X, y = people(np.random.default_rng(data_seed), PEOPLE)
    Xs = reference.standardize(X)[0]
    params, _ = reference.train(Xs, y, seed=train_seed, **PEOPLE_ARGS)
    return Xs, y, float(np.mean(reference.predict(Xs, params) == y))


def tests(rng):
    std_cases = [(rng.normal(loc=rng.uniform(-50, 150, size=d), scale=rng.uniform(0.5, 20, size=d), size=(n, d)),)
                 for n, d in [(4, 2), (7, 3), (2, 1), (12, 5)]]
    X, y, _ = reference.load_lecture_table()
    std_cases.insert(0, (X,))
    Xs = reference.standardize(X)[0]
    seed = int(rng.integers(1000))
    table_call = Call("train", (Xs, y), {"epochs": TABLE_EPOCHS, "seed": seed})
    Xp, yp, ref_accuracy = _hidden_class(int(rng.integers(1 << 30)), seed)
    people_kwargs = dict(PEOPLE_ARGS, seed=seed)
    people_call = Call("train", (Xp, yp), people_kwargs)
    bar = min(0.85, ref_accuracy - 0.05)
    predict_cases = []
    for n, d, h in shapes(rng, 4):
        Xr, _, p, _ = network(rng, n, d, h)
        predict_cases.append((Xr, p))
    predict_mistakes = [
        Mistake("returned the probabilities y_hat: predict thresholds them at 0.5 into 0 or 1",
                lambda X, p: reference.forward(X, p)[0]),
        Mistake("the classes are swapped: predict gave 0 where y_hat >= 0.5 and 1 below; class 1 (F) is where "
                "y_hat >= 0.5", lambda X, p: 1 - reference.predict(X, p)),
    ]

    def judge_std(results):
        return first_failure([_judge_standardize(a[0], r) for a, r in zip(std_cases, results)], "matrices")

    return [
        HiddenTest("standardize gives every column mean 0 and std 1", 2,
                   [Call("standardize", a, return_args=True) for a in std_cases], judge_std),
        HiddenTest(f"train learns the lecture's table: loss falls below 0.1, 100% accuracy ({TABLE_EPOCHS} epochs)", 3,
                   [table_call], lambda r: _judge_training((Xs, y), table_call.kwargs, r[0], 1.0, 0.1)),
        HiddenTest(f"train on a hidden class of {PEOPLE} people reaches the reference's accuracy", 2,
                   [people_call], lambda r: _judge_training((Xp, yp), people_kwargs, r[0], bar)),
        value_test("predict returns 0/1 of shape (n, 1)", 1, "predict", predict_cases, mistakes=predict_mistakes),
    ]
