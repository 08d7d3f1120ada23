"""Every backward function of the reference against central differences of the mean BCE loss."""
import numpy as np
import pytest

import reference as ref

from grader import numeric as oracle
from grader.numeric import central_difference, extended, network_loss, relative_error

pytestmark = pytest.mark.skipif(not oracle.EXTENDED, reason="np.longdouble has no extra precision here")

TOLERANCE = 1e-7
CASES = 60
WORST = {}


def check(name, analytic, numeric):
    err = relative_error(analytic, numeric)
    WORST[name] = max(WORST.get(name, 0.0), err)
    assert err < TOLERANCE, f"{name}: relative error {err:.2e}"


@pytest.fixture(scope="module", autouse=True)
def report_worst():
    yield
    print("\nworst relative error seen per function:")
    for name, err in sorted(WORST.items()):
        print(f"  {name:14s} {err:.2e}")


def random_case(seed):
    """A random network and batch: n from 1 to 9, d and h from 1 to 8, biases nonzero."""
    rng = np.random.default_rng(seed)
    n, d, h = int(rng.integers(1, 10)), int(rng.integers(1, 9)), int(rng.integers(1, 9))
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=(n, 1)).astype(float)
    params = ref.init_params(d, h, 1, seed=seed)
    params["b1"] = rng.normal(0, 0.5, size=(1, h))
    params["b2"] = rng.normal(0, 0.5, size=(1, 1))
    return X, y, params


def lecture_case(seed):
    """The lecture's standardized 4x2 table with a seeded network."""
    X, y, _ = ref.load_lecture_table()
    return ref.standardize(X)[0], y, ref.init_params(2, 2, 1, seed=seed)


CASE_MAKERS = [(random_case, seed) for seed in range(CASES)] + [(lecture_case, seed) for seed in range(3)]


@pytest.mark.parametrize("make, seed", CASE_MAKERS, ids=[f"{m.__name__}-{s}" for m, s in CASE_MAKERS])
def test_backward_matches_numeric_gradient_of_the_loss(make, seed):
    X, y, p = make(seed)
    _, cache = ref.forward(X, p)
    grads = ref.backward(X, y, p, cache)
    Xl, yl, W1, b1, W2, b2 = extended(X, y, p["W1"], p["b1"], p["W2"], p["b2"])
    numeric = {
        "W1": central_difference(lambda v: network_loss(Xl, yl, v, b1, W2, b2), W1),
        "b1": central_difference(lambda v: network_loss(Xl, yl, W1, v, W2, b2), b1),
        "W2": central_difference(lambda v: network_loss(Xl, yl, W1, b1, v, b2), W2),
        "b2": central_difference(lambda v: network_loss(Xl, yl, W1, b1, W2, v), b2),
    }
    assert set(grads) == set(numeric)
    for key in numeric:
        check("backward", grads[key], numeric[key])


@pytest.mark.parametrize("seed", range(CASES))
def test_each_layer_gradient_matches_numeric_gradient(seed):
    """dz2 ... db1 one at a time: the loss as a function of that one quantity, the rest held fixed."""
    X, y, p = random_case(seed)
    _, c = ref.forward(X, p)
    Xl, yl, W1, b1, W2, b2 = extended(X, y, p["W1"], p["b1"], p["W2"], p["b2"])
    a1l, z1l, z2l = extended(c["a1"], c["z1"], c["z2"])
    s = oracle.sigmoid

    g_z2 = ref.dz2(c["y_hat"], y)
    check("dz2", g_z2, central_difference(lambda v: oracle.bce(yl, s(v)), z2l))
    check("dw2", ref.dw2(c["a1"], g_z2), central_difference(lambda v: oracle.bce(yl, s(a1l @ v + b2)), W2))
    check("db2", ref.db2(g_z2), central_difference(lambda v: oracle.bce(yl, s(a1l @ W2 + v)), b2))
    g_a1 = ref.da1(g_z2, p["W2"])
    check("da1", g_a1, central_difference(lambda v: oracle.bce(yl, s(v @ W2 + b2)), a1l))
    g_z1 = ref.dz1(g_a1, c["a1"])
    check("dz1", g_z1, central_difference(lambda v: oracle.bce(yl, s(s(v) @ W2 + b2)), z1l))
    check("dw1", ref.dw1(X, g_z1), central_difference(lambda v: network_loss(Xl, yl, v, b1, W2, b2), W1))
    check("db1", ref.db1(g_z1), central_difference(lambda v: network_loss(Xl, yl, W1, v, W2, b2), b1))


@pytest.mark.parametrize("seed", range(20))
def test_sigmoid_prime_matches_numeric_derivative(seed):
    rng = np.random.default_rng(seed)
    z = rng.uniform(-10, 10, size=tuple(rng.integers(1, 6, size=rng.integers(1, 3))))
    numeric = central_difference(lambda v: oracle.sigmoid(v).reshape(len(v), -1).sum(axis=1), z)
    check("sigmoid_prime", ref.sigmoid_prime(z), numeric)


def test_relu_prime_matches_numeric_derivative_away_from_zero():
    z = np.random.default_rng(0).uniform(-5, 5, size=(7, 3))
    z[np.abs(z) < 1e-3] = 0.5
    numeric = central_difference(lambda v: np.maximum(v, 0).reshape(len(v), -1).sum(axis=1), z)
    check("relu_prime", ref.relu_prime(z), numeric)


def test_the_check_catches_a_wrong_gradient():
    """The gradient check must be able to fail: dz2 without its 1/n is off by a factor n."""
    X, y, p = random_case(3)
    y = np.vstack([y, [[1.0]], [[0.0]]])
    X = np.vstack([X, X[:2]])
    _, c = ref.forward(X, p)
    wrong = c["y_hat"] - y
    numeric = central_difference(lambda v: oracle.bce(*extended(y), oracle.sigmoid(v)), extended(c["z2"])[0])
    assert relative_error(wrong, numeric) > 0.1
