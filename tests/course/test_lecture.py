"""The lecture's own numbers, reproduced by the reference, and its numerical care."""
import warnings

import numpy as np
import pytest

import reference as ref


def test_chain_rule_example():
    assert ref.chain_rule(-2, 5, -4) == (-12, -4, -4, 3)


@pytest.mark.parametrize("y, y_hat, expected", [(1, 0.95, 0.05), (1, 0.05, 3.0), (0, 0.95, 3.0)])
def test_bce_table(y, y_hat, expected):
    loss = ref.bce(np.array([[y]], float), np.array([[y_hat]]))
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, abs=0.01)


def test_bce_is_finite_at_exact_zero_and_one():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    y_hat = np.array([[0.0], [1.0], [1.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = ref.bce(y, y_hat)
    assert np.isfinite(loss) and loss > 10  # two confident mistakes out of four
    assert ref.bce(y[2:], y_hat[2:]) == pytest.approx(0.0, abs=1e-9)


def test_sigmoid_extremes_without_overflow_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ref.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert out.tolist() == [0.0, 0.5, 1.0]
    assert ref.sigmoid(0.0) == 0.5


def test_relu_and_its_derivative_at_zero():
    z = np.array([-2.0, 0.0, 3.0])
    assert ref.relu(z).tolist() == [0.0, 0.0, 3.0]
    assert ref.relu_prime(z).tolist() == [0.0, 0.0, 1.0]
    assert ref.relu_prime(0.0) == 0


def test_mse_is_a_mean_over_all_elements():
    assert ref.mse(np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]])) == pytest.approx(0.25)


def test_lecture_table_loads_as_data():
    X, y, names = ref.load_lecture_table()
    assert names == ["Alice", "Bob", "Charlie", "Diana"]
    assert X.tolist() == [[133, 65], [160, 72], [152, 70], [120, 60]]
    assert y.tolist() == [[1], [0], [0], [1]]
    assert X.shape == (4, 2) and y.shape == (4, 1) and X.dtype == np.float64


def test_training_on_the_standardized_table_classifies_everyone():
    X, y, _ = ref.load_lecture_table()
    Xs, mean, std = ref.standardize(X)
    assert np.allclose(Xs.mean(axis=0), 0) and np.allclose(Xs.std(axis=0), 1)
    params, losses = ref.train(Xs, y)
    assert len(losses) == 2000 and all(isinstance(v, float) for v in losses)
    assert losses[-1] < 0.1 < losses[0]
    assert np.array_equal(ref.predict(Xs, params), y)


def test_training_without_standardizing_is_what_the_lecture_warns_about():
    """On raw pounds and inches the first layer saturates: the loss barely moves."""
    X, y, _ = ref.load_lecture_table()
    _, losses = ref.train(X, y, epochs=200)
    assert losses[-1] > 0.5


def test_init_params_shapes_and_seed():
    p = ref.init_params(2, 3)
    assert {k: v.shape for k, v in p.items()} == {"W1": (2, 3), "b1": (1, 3), "W2": (3, 1), "b2": (1, 1)}
    assert not p["b1"].any() and not p["b2"].any()
    assert np.array_equal(ref.init_params(2, 3, seed=4)["W1"], p["W1"]) is False
    assert np.array_equal(ref.init_params(2, 3, seed=0)["W1"], p["W1"])


def test_sgd_step_leaves_its_inputs_alone():
    p = ref.init_params(2, 2)
    g = {k: np.ones_like(v) for k, v in p.items()}
    before = {k: v.copy() for k, v in p.items()}
    new = ref.sgd_step(p, g, 0.1)
    assert all(np.array_equal(p[k], before[k]) for k in p)
    assert all(np.allclose(new[k], before[k] - 0.1) for k in p)


def test_numerical_gradient_restores_x_and_relative_error_handles_zeros():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = ref.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert np.array_equal(x, before)
    assert np.allclose(g, 2 * x, atol=1e-8)
    assert ref.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert ref.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
