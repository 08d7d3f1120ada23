"""Hidden tests of exercise 10: standardize, train (judged by behaviour) and predict."""
import numpy as np

import reference
from ..mistakes import Mistake
from clean_room.protocol import Call
from .base import judged_test, mistake_answers, value_test
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


def _hidden_class(data_seed, train_seed):
    """The hidden class of data_seed, and what the reference reaches on it: the bar a student is held to."""
    X, y = people(np.random.default_rng(data_seed), PEOPLE)
    Xs = reference.standardize(X)[0]
    params, _ = reference.train(Xs, y, seed=train_seed, **PEOPLE_ARGS)
    return Xs, y, float(np.mean(reference.predict(Xs, params) == y))


def tests(rng):
    # Weights and heights like the lecture's, but drawn: the standardized lecture table is the
    # input of train below, so it must not be an answer here too.
    std_cases = [(people(rng, int(rng.integers(5, 12)))[0],)]
    std_cases += [(rng.normal(loc=rng.uniform(-50, 150, size=d), scale=rng.uniform(0.5, 20, size=d), size=(n, d)),)
                  for n, d in [(4, 2), (7, 3), (2, 1), (12, 5)]]
    X, y, _ = reference.load_lecture_table()
    Xs = reference.standardize(X)[0]
    seed = int(rng.integers(1000))
    table_call = Call("train", (Xs, y), {"epochs": TABLE_EPOCHS, "seed": seed})
    descent_params, descent_losses = reference.train(Xs, y, epochs=TABLE_EPOCHS, seed=seed)
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

    return [
        judged_test("standardize gives every column mean 0 and std 1, returns that mean and std, "
                    "leaving its inputs unchanged", 2,
                    [Call("standardize", a, return_args=True) for a in std_cases], "standardize",
                    {"cases": std_cases, "expected": [reference.standardize(*a) for a in std_cases],
                     "mistakes": [mistake_answers(STANDARDIZE_MISTAKES, a) for a in std_cases]}),
        judged_test(f"train learns the lecture's table by gradient descent from init_params with the seed: one loss "
                    f"per epoch, each as the reference's, falling below 0.1, 100% accuracy ({TABLE_EPOCHS} epochs)", 3,
                    [table_call], "training",
                    {"args": (Xs, y), "kwargs": table_call.kwargs, "min_accuracy": 1.0, "max_loss": 0.1,
                     "descent": {"losses": [float(v) for v in descent_losses], "params": descent_params}}),
        judged_test(f"train on a hidden class of {PEOPLE} people reaches the reference's accuracy", 2,
                    [people_call], "training", {"args": (Xp, yp), "kwargs": people_kwargs, "min_accuracy": bar,
                                                "max_loss": None, "losses": False}),
        value_test("predict thresholds y_hat at 0.5 into 0/1 of shape (n, 1)", 1, "predict", predict_cases,
                   mistakes=predict_mistakes),
    ]
