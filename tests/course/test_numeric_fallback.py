"""Where np.longdouble is only float64, the fourth-order difference still accepts the right
gradients under the grader's tolerance and rejects a wrong one."""
import numpy as np
import pytest

import reference as ref
from grader.compare import compare
from grader.numeric import five_point, network_loss


def random_network(seed):
    rng = np.random.default_rng(seed)
    n, d, h = (int(v) for v in rng.integers(1, 9, size=3))
    X, y = rng.normal(size=(n, d)), rng.integers(0, 2, size=(n, 1)).astype(float)
    params = {"W1": rng.normal(0, 0.8, (d, h)), "b1": rng.normal(0, 0.5, (1, h)),
              "W2": rng.normal(0, 0.8, (h, 1)), "b2": rng.normal(0, 0.5, (1, 1))}
    return X, y, params


def numeric(X, y, p, key):
    def loss(v):
        return network_loss(X, y, **dict(p, **{key: v}))
    return five_point(loss, p[key])


@pytest.mark.parametrize("seed", range(200))
def test_float64_fallback_accepts_the_reference_gradients(seed):
    X, y, p = random_network(seed)
    grads = ref.backward(X, y, p, ref.forward(X, p)[1])
    for key in p:
        assert compare(grads[key], numeric(X, y, p, key)) is None, key


def test_float64_fallback_rejects_a_gradient_missing_its_1_over_n():
    X, y, p = random_network(1)
    X, y = np.vstack([X, X]), np.vstack([y, 1 - y])
    grads = ref.backward(X, y, p, ref.forward(X, p)[1])
    assert compare(grads["W2"] * len(y), numeric(X, y, p, "W2")) is not None
