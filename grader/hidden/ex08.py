"""Hidden tests of exercise 8: the whole backward pass."""
import reference
from .base import gradient_test, value_test
from .gradients import BACKWARD_MISTAKES, cases, numeric_gradients


def tests(rng):
    cs = cases(rng, 6)
    args = [(c["X"], c["y"], c["p"], c["c"]) for c in cs]
    numeric = [numeric_gradients(c, ("W1", "b1", "W2", "b2")) for c in cs]
    X, y, _ = reference.load_lecture_table()
    Xs = reference.standardize(X)[0]
    params = reference.init_params(2, 2, seed=int(rng.integers(1000)))
    lecture = [(Xs, y, params, reference.forward(Xs, params)[1])]
    n_of = lambda X, y, p, c: y.shape[0]  # noqa: E731
    return [
        gradient_test("backward matches the numeric gradient of the loss for W1, b1, W2, b2", 3, "backward", args,
                      numeric, mistakes=BACKWARD_MISTAKES, n_of=n_of, check_inputs=False),
        value_test("backward matches the reference on random networks", 3, "backward", args,
                   mistakes=BACKWARD_MISTAKES, n_of=n_of, check_inputs=False),
        value_test("backward on the lecture's standardized table", 2, "backward", lecture,
                   mistakes=BACKWARD_MISTAKES, n_of=n_of),
    ]
