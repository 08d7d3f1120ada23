"""Every named diagnosis, triggered by a wrong solution: the exercise loses points, the feedback
names the mistake, and every other exercise keeps full marks (one mistake costs points once)."""
import pytest

from grader.catalog import load_catalog
from grader.engine import grade_folder

from .students import edit

E = {e.number: e.file for e in load_catalog()}
SIG = "(1 / (1 + 2.718281828459045 ** (-a1)))"

# (exercise, old snippet, new snippet, words the diagnosis must contain)
MUTANTS = [
    (1, "return np.where(z >= 0, 1 / (1 + e), e / (1 + e))", "return np.exp(z) / (1 + np.exp(z))", "NaN or inf"),
    (1, "return np.where(z >= 0, 1 / (1 + e), e / (1 + e))", "return 1 / (1 + np.exp(-z))", "e^1000 does not fit"),
    (1, "return np.where(np.asarray(z) > 0, 1.0, 0.0)", "return np.where(np.asarray(z) >= 0, 1.0, 0.0)", "relu_prime(0) must be 0"),
    (1, "    s = sigmoid(z)\n    return s * (1 - s)", "    return z * (1 - z)", "uses z where σ(z) belongs"),
    (1, "    s = sigmoid(z)\n    return s * (1 - s)", "    s = sigmoid(sigmoid(z))\n    return s * (1 - s)", "σ applied twice"),
    (2, "return sigmoid(x @ w + b)", "return x @ w + b", "sigmoid is missing"),
    (2, "return sigmoid(x @ w + b)", "return sigmoid(x @ w)", "bias is missing"),
    (2, '"b1": np.zeros((1, n_hidden)),', '"b1": np.zeros(n_hidden),', "biases are 2-D"),
    (2, "rng = np.random.default_rng(seed)", "rng = np.random.default_rng()", "seed is not used"),
    (3, 'z1 = X @ params["W1"] + params["b1"]', 'z1 = X @ params["W1"]', "b1 is not added"),
    (3, 'return y_hat, {"z1": z1, "a1": a1', 'return y_hat, {"z1": z1, "a1": z1', "cache's a1 holds z1"),
    (4, "dfdz = q", "dfdz = z", "df/dz is q"),
    (4, "f = q * z", "f = x + y * z", "not x + y · z"),
    (5, "return float(np.mean((y - y_hat) ** 2))", "return float(np.sum((y - y_hat) ** 2))", "a sum where a mean belongs"),
    (5, "    y_hat = np.clip(y_hat, eps, 1 - eps)\n", "", "NaN or inf"),
    (5, "y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)", "y * np.log10(y_hat) + (1 - y) * np.log10(1 - y_hat)", "log base 10"),
    (5, "return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))",
        "return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat), keepdims=True)", "an array where a number belongs"),
    (6, "return (y_hat - y) / n", "return y_hat - y", "1/n of the mean loss is missing"),
    (6, "return (y_hat - y) / n", "return (y - y_hat) / n", "sign is flipped"),
    (6, "return (y_hat - y) / n", "return (y_hat - y) * y_hat * (1 - y_hat) / n", "σ'(z2) cancels"),
    (6, "return a1.T @ dz2", "return dz2.T @ a1", "transposed"),
    (6, "return a1.T @ dz2", "return a1.T @ dz2 / a1.shape[0]", "n = "),
    (6, "return dz2.sum(axis=0, keepdims=True)", "return dz2.sum(axis=0)", "keepdims was lost"),
    (6, "return dz2.sum(axis=0, keepdims=True)", "return float(dz2.sum())", "keepdims was lost"),
    (6, "return dz2.sum(axis=0, keepdims=True)", "return dz2.mean(axis=0, keepdims=True)", "a mean where a sum belongs"),
    (6, "return dz2.sum(axis=0, keepdims=True)", "return dz2", "returned dz2 itself"),
    (7, "return dz2 @ W2.T", "return dz2 @ W2", "mismatched shapes"),
    (7, "return da1 * a1 * (1 - a1)", f"return da1 * {SIG} * (1 - {SIG})", "applied to the activation again"),
    (7, "return da1 * a1 * (1 - a1)", "return da1 * a1", "(1 − a1) factor is missing"),
    (7, "return da1 * a1 * (1 - a1)", "return da1 * a1.T * (1 - a1)", "shapes that do not broadcast"),
    (7, "return dz1.sum(axis=0, keepdims=True)", "return dz1.sum(axis=0, keepdims=True).tolist()", "a list where an array belongs"),
    (7, "return dz1.sum(axis=0, keepdims=True)", "return dz1.sum(axis=1, keepdims=True)", "wrong axis"),
    (8, '"W2": dw2(a1, g_z2)', '"W2": dw2(cache["z1"], g_z2)', "z1 where the activation a1 belongs"),
    (8, "g_z1 = dz1(g_a1, a1)", "g_z1 = g_a1 * a1", "(1 − a1) factor is missing"),
    (8, 'g_a1 = da1(g_z2, params["W2"])', 'g_a1 = da1(g_z2, params["w2"])', "a dict key that does not exist"),
    (8, 'return {"W1": dw1(X, g_z1)', 'return {"w1": dw1(X, g_z1)', "key is missing or misspelled"),
    (7, "return X.T @ dz1", "X.T @ dz1", "missing `return`"),
    (7, "return da1 * a1 * (1 - a1)", "da1 *= a1 * (1 - a1)\n    return da1", "modified in place"),
    (9, "return {name: params[name] - lr * grads[name] for name in params}",
        "for name in params:\n        params[name] -= lr * grads[name]\n    return params", "modified in place"),
    (9, "params[name] - lr * grads[name]", "params[name] + lr * grads[name]", "gradient ascent"),
    (10, "std = X.std(axis=0)", "std = X.std(axis=0, ddof=1)", "ddof=1"),
    (10, "mean = X.mean(axis=0)\n    std = X.std(axis=0)", "mean = X.mean(axis=1, keepdims=True)\n    std = X.std(axis=1, keepdims=True)",
     "each row"),
    (10, "\n        params = sgd_step(params, grads, lr)", "\n        sgd_step(params, grads, lr)", "not updated"),
    (10, "return (y_hat >= 0.5).astype(float)", "return y_hat", "returned the probabilities"),
    (11, "grad[i] = (f_plus - f_minus) / (2 * h)", "grad[i] = (f_plus - f_minus) / h", "divided by h instead of 2h"),
    (11, "grad[i] = (f_plus - f_minus) / (2 * h)", "grad[i] = (f_plus - f(x)) / h", "forward difference"),
    (11, "return float(np.max(", "return float(np.mean(", "a mean where the max belongs"),
    (11, "        x[i] = old + h\n        f_plus = f(x)\n        x[i] = old - h\n        f_minus = f(x)\n        x[i] = old\n",
         "        x[i] += h\n        f_plus = f(x)\n        x[i] -= 2 * h\n        f_minus = f(x)\n        x[i] += h\n",
         "changed by round-off"),
    (9, "return {name: params[name] - lr * grads[name] for name in params}", "pass", "missing `return`"),
    # issue 13's traps: a result named like the imported function, dz2's argument order, mse over rows only
    (8, "g_z2 = dz2(y_hat, y)", "dz2 = dz2(y_hat, y)\n    g_z2 = dz2", "you assigned to dz2, the name of the function"),
    (8, "g_z2 = dz2(y_hat, y)", "g_z2 = dz2(y, y_hat)", "called dz2 with y and y_hat swapped"),
    (5, "return float(np.mean((y - y_hat) ** 2))", "return float(np.sum((y - y_hat) ** 2) / y.shape[0])",
     "divided by the number of rows only"),
    (10, "return (y_hat >= 0.5).astype(float)", "return (y_hat < 0.5).astype(float)", "the classes are swapped"),
    (2, "return sigmoid(x @ w + b)", "return sigmoid(x @ (w + b))", "the bias was added to the weights"),
]


@pytest.mark.parametrize("number, old, new, words", MUTANTS, ids=[f"ex{m[0]}-{m[3][:24]}" for m in MUTANTS])
def test_wrong_solution_loses_points_in_its_exercise_only(solved, number, old, new, words):
    edit(solved, E[number], old, new)
    results = {ex.number: ex for ex in grade_folder(solved, seed=3, timeout=10)}
    wrong = results[number]
    assert wrong.score < wrong.max_score, f"exercise {number} kept full marks"
    diagnoses = [t.diagnosis for t in wrong.tests if not t.passed]
    assert any(words in d for d in diagnoses), f"no diagnosis with {words!r} in {diagnoses}"
    others = {n: (ex.score, ex.max_score) for n, ex in results.items() if n != number and ex.score != ex.max_score}
    assert not others, f"other exercises lost points: {others}"


def test_the_mistake_catalog_covers_every_exercise_with_two_wrong_solutions():
    counts = {n: sum(1 for m in MUTANTS if m[0] == n) for n in E}
    missing = {n: c for n, c in counts.items() if c < 2}
    assert not missing, missing


def test_an_empty_body_earns_nothing_not_even_for_leaving_inputs_alone(solved):
    """The inputs-kept tests also want a well-formed answer: `pass` keeps the inputs but returns None."""
    edit(solved, E[9], "return {name: params[name] - lr * grads[name] for name in params}", "pass")
    edit(solved, E[8], 'return {"W1": dw1(X, g_z1), "b1": db1(g_z1), "W2": dw2(a1, g_z2), "b2": db2(g_z2)}', "pass")
    results = {ex.number: ex for ex in grade_folder(solved, seed=3, numbers={8, 9})}
    assert results[9].score == 0 and results[8].score == 0
