"""Hidden tests of exercise 7: da1, dz1, dW1, db1, against the reference and numeric gradients."""
import numpy as np

from ..mistakes import Mistake
from .base import gradient_test, value_test
from .gradients import DZ1_MISTAKES, cases, numeric_gradients

def _itself(dz1):
    """dz1 unchanged; with one hidden unit that is also what summing over the wrong axis gives,
    and that more general diagnosis is left to the generic check."""
    if dz1.shape[1] == 1:
        raise ValueError("ambiguous with one hidden unit")
    return dz1


DB1_MISTAKES = [Mistake("returned dz1 itself: the bias gradient sums dz1 over the samples", _itself)]


def tests(rng):
    """Each function is asked of its own networks (da1 of some, dz1 of others, dW1 and db1 of
    a third set): an input such as dz1's da1 is the answer to a call that is never made, so no
    call's expected answer is another's input."""
    for_da1, for_dz1, for_w = cases(rng), cases(rng), cases(rng)
    da1_nums = [numeric_gradients(c, ("a1",)) for c in for_da1]
    dz1_nums = [numeric_gradients(c, ("z1",)) for c in for_dz1]
    w_nums = [numeric_gradients(c, ("W1", "b1")) for c in for_w]
    n_first = lambda a, *rest: np.shape(a)[0]  # noqa: E731
    da1_args = [(c["dz2"], c["p"]["W2"]) for c in for_da1]
    dz1_args = [(c["da1"], c["c"]["a1"]) for c in for_dz1]
    dw1_args = [(c["X"], c["dz1"]) for c in for_w]
    db1_args = [(c["dz1"],) for c in for_w]
    return [
        gradient_test("da1 matches the numeric gradient", 1, "da1", da1_args, [g["a1"] for g in da1_nums], n_of=n_first),
        value_test("da1 = dz2 W2ᵀ has a1's shape (n, h)", 1, "da1", da1_args, n_of=n_first),
        gradient_test("dz1 matches the numeric gradient", 1, "dz1", dz1_args, [g["z1"] for g in dz1_nums],
                      mistakes=DZ1_MISTAKES, n_of=n_first),
        value_test("dz1 = da1 ⊙ a1(1 − a1)", 1, "dz1", dz1_args, mistakes=DZ1_MISTAKES, n_of=n_first),
        gradient_test("dW1 matches the numeric gradient", 1, "dw1", dw1_args, [g["W1"] for g in w_nums], n_of=n_first),
        value_test("dW1 = Xᵀ dz1 has W1's shape (d, h)", 1, "dw1", dw1_args, n_of=n_first),
        gradient_test("db1 matches the numeric gradient", 1, "db1", db1_args, [g["b1"] for g in w_nums],
                      mistakes=DB1_MISTAKES, n_of=n_first),
        value_test("db1 sums dz1 over the samples into shape (1, h)", 1, "db1", db1_args, mistakes=DB1_MISTAKES,
                   n_of=n_first),
    ]
