"""The judges, each a function of plain data: (data, results) -> Verdict.

A generator (grader/hidden/, which may use the reference) computes a test's inputs, its expected
answers and the answer of every named mistake, and names the judge that reads them: a `Judge`
(kind + data). The checkout judges the data right after generating it; the student kit judges the
same data read from a file. One code path, so the feedback is the same in both places.
"""
import numpy as np

from ..compare import ANY, as_number_array, describe
from ..mistakes import Mistake
from .calls import (INPLACE, Verdict, call_text, error_verdict, first_failure, judge_call, params_problem,
                    relative_error, same_data)


class Judge:
    """A judge as data: `kind` names the function in KINDS, `data` is plain data (arrays, dicts,
    tuples, numbers, text). Calling it judges a test's results."""
    __slots__ = ("kind", "data")

    def __init__(self, kind, data):
        if kind not in KINDS:
            raise ValueError(f"unknown judge {kind!r}; the judges are {', '.join(sorted(KINDS))}")
        self.kind, self.data = kind, data

    def __call__(self, results):
        return KINDS[self.kind](self.data, results)

    def __repr__(self):
        return f"Judge({self.kind!r})"


def _known(wrong):
    return lambda *args, **kwargs: wrong


def case_mistakes(pairs):
    """The mistakes of one case, [(label, its answer for this case)], as Mistake objects. A
    generator: `pairs` (maybe a MistakeAnswers) is read only if a wrong answer is diagnosed."""
    for label, wrong in pairs:   # a generator function: not even iter(pairs) runs before the first read
        yield Mistake(label, _known(wrong))


def _values(data, results):
    function, names = data["function"], data["names"][data["function"]]
    changed = data.get("changed") or INPLACE
    verdicts = [judge_call(function, args, res, want, names, mistakes=case_mistakes(pairs), n=n, kind=data["kind"],
                           changed_diagnosis=changed)
                for args, res, want, pairs, n in zip(data["cases"], results, data["expected"], data["mistakes"],
                                                     data["n"])]
    return first_failure(verdicts, data["what"])


def _gradient(data, results):
    """_values against the numeric gradients, and the worst relative error."""
    verdict = _values(data, results)
    errors = [_relative_error(res.value, want) for res, want in zip(results, data["expected"]) if res.error is None]
    errors = [e for e in errors if e is not None and np.isfinite(e)]
    if errors:
        verdict.output += f"\nworst relative error against the numeric gradient: {max(errors):.2e}"
    return verdict


def _relative_error(got, want):
    """The course's relative error of an answer (an array, or a dict of arrays), None if unreadable."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or not all(isinstance(got.get(k), np.ndarray) for k in want):
            return None
        return max(relative_error(got[k], want[k]) for k in want)
    return relative_error(got, want) if isinstance(got, np.ndarray) else None


def _number_array(value):
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def _one_value(array):
    """Every element the same number (NaN counting as one), as np.unique(array).size <= 1 says,
    without np.unique's first call importing numpy.ma (13 ms of a Gradescope run). Compared in
    the array's own dtype: in float64, long doubles (or ints past 2**53) that differ would not."""
    flat = np.asarray(array).ravel()
    if flat.size == 0:
        return True
    same = flat == flat[0]
    if flat.dtype.kind == "f":
        same |= np.isnan(flat) & np.isnan(flat[0])
    return bool(np.all(same))


def _check_params(args, result, names):
    """A Verdict for one init_params answer: keys, shapes, zero biases, small random weights."""
    d, h, o, _ = args
    head = call_text("init_params", args, names)
    if result.error is not None:
        return error_verdict("init_params", args, result.error, names)
    problem = params_problem(result.value, d, h, o)
    if problem:
        return Verdict(False, f"{head}\n{problem[0]}", problem[1])
    p = result.value
    for key in ("b1", "b2"):
        if np.any(p[key] != 0):
            return Verdict(False, f"{head}\n{key} should start at zeros, got {p[key].ravel()[:4]}")
    weights = np.concatenate([p["W1"].ravel(), p["W2"].ravel()])
    if weights.size > 1 and np.all(weights == weights[0]):
        return Verdict(False, f"{head}\nall weights are equal ({weights[0]:.3g})",
                       "equal weights never become different: every hidden unit gets the same gradient; draw them at random")
    if np.max(np.abs(weights)) > 5:
        return Verdict(False, f"{head}\nweights as large as {np.max(np.abs(weights)):.3g} are not small",
                       "large initial weights saturate the sigmoids: scale the random draw down (e.g. * 0.5)")
    return Verdict(True)


def _each(check, function, key, what):
    """A judge that applies check(args, result, names) to each case in data[key]."""
    def judge(data, results):
        names = data["names"][function]
        return first_failure([check(a, r, names) for a, r in zip(data[key], results)], what)
    return judge


def _init_params_seed(data, results):
    """Seeding only: the same seed gives the same weights, another seed other weights. The
    weights' shapes, size and randomness are the shapes test's business: weights that do not
    vary at all (zeros, all equal) are as deterministic as any, and pass here."""
    names, same, seed = data["names"]["init_params"], data["same"], data["seed"]
    for args, result in zip(same, results):
        if result.error is not None:
            return error_verdict("init_params", args, result.error, names)
        got = result.value
        if not (isinstance(got, dict) and all(_number_array(got.get(k)) for k in ("W1", "W2"))):
            return Verdict(False, f"{call_text('init_params', args, names)}\nexpected a dict holding the weights "
                                  f"W1 and W2 as arrays, got {describe(got)}")
    a, b, c = (r.value for r in results)
    if not all(same_data(a[k], b[k]) for k in ("W1", "W2")):
        return Verdict(False, f"init_params(3, 4, 1, seed={seed}) twice gave different weights",
                       "the seed is not used: make the generator with np.random.default_rng(seed)")
    if all(_one_value(a[k]) for k in ("W1", "W2")):
        return Verdict(True, "the same seed gave the same weights (they do not vary, so no seed can change them)")
    if all(same_data(a[k], c[k]) for k in ("W1", "W2")):
        return Verdict(False, f"seeds {seed} and {seed + 1} gave the same weights", "the seed is ignored")
    return Verdict(True, "the same seed gave the same weights, another seed other weights")


def _bce_at_extremes(args, result, names):
    """bce where some y_hat are exactly 0 or 1: finite; the exactly right samples cost about 0, so
    with no wrong one the loss is the other samples' cross-entropy; a confidently wrong sample
    costs a lot (at least 5, which any eps up to e^-5 gives)."""
    y, y_hat = (np.asarray(a, dtype=np.float64) for a in args)
    head = call_text("bce", args, names)
    if result.error is not None:
        return error_verdict("bce", args, result.error, names)
    v = as_number_array(result.value)
    if v is None or v.ndim > 0:
        return Verdict(False, f"{head}\nexpected a number, got {describe(result.value)}")
    v = float(v)
    if not np.isfinite(v):
        return Verdict(False, f"{head}\ngot {v}", "NaN or inf at y_hat = 0 or 1: log(0) is -inf; clip y_hat into [eps, 1 − eps] first")
    between = (y_hat > 0) & (y_hat < 1)
    wrong = ~between & (y_hat != y)
    p, t = y_hat[between], y[between]
    rest = float(-np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)) / y.size)
    if not wrong.any():
        if abs(v - rest) > 1e-5 * max(1.0, abs(rest)):   # a clip eps up to 1e-5 costs a right sample no more
            where = "every answer is exactly right, so the loss should be about 0" if not between.any() else \
                f"the samples with y_hat exactly right should cost about 0, the others their cross-entropy: {rest:.6g}"
            return Verdict(False, f"{head}\n{where}, got {v:.6g}", "the clipping eps is too large" if v > rest else None)
        return Verdict(True)
    least = rest + 5.0 * int(wrong.sum()) / y.size
    if v < least:
        return Verdict(False, f"{head}\na confident wrong answer should cost a lot: at least {least:.4g} here, got only {v:.6g}",
                       "the clipping eps is too large: use something tiny like 1e-12")
    return Verdict(True)


def _standardize(data, results):
    """mean and std may come back as (d,) or (1, d): the SPEC only says 'per column'."""
    names = data["names"]["standardize"]
    verdicts = []
    for (X,), result, want, pairs in zip(data["cases"], results, data["expected"], data["mistakes"]):
        got = result.value
        if result.error is None and isinstance(got, (tuple, list)) and len(got) == 3:
            d = X.shape[1]
            shaped = tuple(w.reshape(g.shape) if isinstance(g, np.ndarray) and g.size == d else w
                           for g, w in zip(got[1:], want[1:]))
            want = (want[0],) + shaped
        verdicts.append(judge_call("standardize", (X,), result, want, names, mistakes=case_mistakes(pairs)))
    return first_failure(verdicts, "matrices")


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


START_DIAGNOSIS = ("the first loss is not that of the initial parameters: start from init_params(d, n_hidden, 1, seed) "
                   "with the seed given, and record each epoch's loss before its update")
PATH_DIAGNOSIS = ("the losses leave gradient descent's path here: each epoch is forward, loss, backward, then "
                  "params = sgd_step(params, grads, lr) with the lr given")
LAST_DIAGNOSIS = ("the losses follow gradient descent, but the params returned are not the last update's: return "
                  "the params the loop ends with")


def _descent_verdict(head, losses, params, descent):
    """None when the losses, epoch by epoch, and the params returned are gradient descent's from
    the same start (descent: the reference's, made by the generator): a table learned by any
    other route (weights written into the file) is not train's work."""
    got, want = as_number_array(losses), np.asarray(descent["losses"], dtype=np.float64)
    off = np.flatnonzero(~np.isclose(got.astype(np.float64), want, rtol=1e-6, atol=1e-9))
    if off.size:
        k = int(off[0])
        return Verdict(False, f"{head}\nepoch {k + 1}'s loss is {float(got[k]):.6g}; gradient descent from "
                              f"init_params(..., seed) gives {want[k]:.6g}", START_DIAGNOSIS if k == 0 else PATH_DIAGNOSIS)
    for name in ("W1", "b1", "W2", "b2"):
        mine = np.asarray(params[name], dtype=np.float64)
        if not np.allclose(mine, descent["params"][name], rtol=1e-6, atol=1e-9):
            return Verdict(False, f"{head}\nthe losses are gradient descent's, but the returned {name} is not the "
                                  f"one its last update gives", LAST_DIAGNOSIS)
    return None


def trained_network_score(X, y, params):
    """(accuracy, mean BCE) of a trained 2-layer network on (X, y), from its output logits.

    Computed from z2 (accuracy: z2 >= 0 is y_hat >= 0.5; the loss as log(1 + e^z2) − y z2),
    so it needs no clipping and overflows nowhere, whatever the student's weights.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    p = {k: np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2")}
    hidden = 0.5 * (1.0 + np.tanh((X @ p["W1"] + p["b1"]) / 2.0))
    logits = hidden @ p["W2"] + p["b2"]
    accuracy = float(np.mean((logits >= 0) == (y == 1)))
    return accuracy, float(np.mean(np.logaddexp(0.0, logits) - y * logits))


def _training(data, results):
    """train's answer on one data set: losses that fall (unless data["losses"] is False: a test
    of accuracy alone), params of the right shapes, gradient descent's own losses and params
    (where data["descent"] holds them), and the trained network's accuracy (and loss) on that
    data set."""
    (X, y), kwargs, result = data["args"], data["kwargs"], results[0]
    names = data["names"]["train"]
    head = call_text("train", (X, y), names) + (f" with {kwargs}" if kwargs else "")
    if result.error is not None:
        return error_verdict("train", (X, y), result.error, names)
    if not isinstance(result.value, (tuple, list)) or len(result.value) != 2:
        return Verdict(False, f"{head}\ntrain should return (params, losses), got {describe(result.value)}")
    params, losses = result.value
    bad = _losses_verdict(head, losses, kwargs["epochs"]) if data.get("losses", True) else None
    if bad:
        return bad
    problem = params_problem(params, X.shape[1], kwargs.get("n_hidden", 2))
    if problem:
        return Verdict(False, f"{head}\nthe returned params: {problem[0]}", problem[1])
    if data.get("descent") is not None:
        bad = _descent_verdict(head, losses, params, data["descent"])
        if bad:
            return bad
    accuracy, loss = trained_network_score(X, y, params)
    first = as_number_array(losses)
    first = f" (first epoch's loss {float(first[0]):.4f})" if first is not None and first.ndim == 1 and first.size else ""
    summary = f"accuracy {accuracy:.0%}, final loss {loss:.4f}{first}"
    if accuracy < data["min_accuracy"]:
        return Verdict(False, f"{head}\nthe trained network classifies {accuracy:.0%}; at least "
                              f"{data['min_accuracy']:.0%} wanted ({summary})")
    if data["max_loss"] is not None and loss > data["max_loss"]:
        return Verdict(False, f"{head}\nthe final loss {loss:.4f} is above {data['max_loss']} ({summary})")
    return Verdict(True, f"{head}: {summary}")


KINDS = {
    "values": _values,
    "gradient": _gradient,
    "init_params_shapes": _each(_check_params, "init_params", "sizes", "network sizes"),
    "init_params_seed": _init_params_seed,
    "bce_extremes": _each(_bce_at_extremes, "bce", "cases", "batches"),
    "standardize": _standardize,
    "training": _training,
}
__all__ = ["ANY", "Judge", "KINDS", "case_mistakes", "trained_network_score"]
