"""The trusted scalar functions for numerical_gradient tests: pure, and with exact gradients."""
import numpy as np
import pytest

import reference
from clean_room import scalar_functions
import exact_gradients
from grader.runner import FunctionSpec


def central(f, x, h=1e-6):
    """The reference's central differences, on a copy of x."""
    return reference.numerical_gradient(f, np.array(x, dtype=np.float64), h)


def forward(f, x, h):
    x = x.astype(np.float64).copy()
    grad = np.zeros_like(x)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - base) / h
        x[i] = old
    return grad


def specs(rng):
    return [
        (FunctionSpec("weighted_sin", {"a": rng.normal(size=(3, 2))}), rng.normal(size=(3, 2))),
        (FunctionSpec("quadratic", {"A": rng.normal(size=(4, 4)).tolist()}), rng.normal(size=(2, 2))),
        (FunctionSpec("cubic", {"c": rng.normal(size=(2, 3))}), rng.normal(size=(2, 3))),
        (FunctionSpec("logistic_loss", {"X": rng.normal(size=(5, 3)),
                                        "y": (rng.random((5, 1)) > 0.5).astype(float)}),
         rng.normal(size=(3, 1))),
        (FunctionSpec("logistic_loss", {"X_in": rng.normal(size=(5, 3)) * 50,
                                        "y": [1, 0, 1, 0, 1]}), rng.normal(size=(3,))),
    ]


def test_at_least_the_four_functions_exist():
    assert {"weighted_sin", "quadratic", "cubic", "logistic_loss"} <= set(scalar_functions.FUNCTIONS)


@pytest.mark.parametrize("index", range(5))
def test_functions_are_pure_floats_with_exact_gradients(index):
    spec, x = specs(np.random.default_rng(index))[index]
    f = scalar_functions.build(spec)
    before = x.copy()
    value = f(x)
    assert type(value) is float and np.isfinite(value)
    assert np.array_equal(x, before)
    assert f(x) == value  # deterministic
    exact = exact_gradients.gradient(spec, x)
    assert exact.shape == x.shape
    assert np.allclose(central(f, x), exact, rtol=1e-5, atol=1e-6)
    assert np.array_equal(x, before)


def test_params_are_copied_when_built():
    a = np.ones(3)
    f = scalar_functions.build(FunctionSpec("weighted_sin", {"a": a}))
    x = np.linspace(0, 1, 3)
    value = f(x)
    a[:] = 100
    assert f(x) == value


def test_cubic_tells_central_from_forward_differences():
    spec = FunctionSpec("cubic", {"c": np.full((2, 2), 2.0)})
    x = np.array([[1.0, -2.0], [3.0, 0.5]])
    f = scalar_functions.build(spec)
    exact = exact_gradients.gradient(spec, x)
    h = 1e-3
    central_error = np.max(np.abs(central(f, x, h) - exact))
    forward_error = np.max(np.abs(forward(f, x, h) - exact))
    assert central_error < 1e-5 < 1e-3 < forward_error


def test_numpy_patched_after_build_does_not_change_f(monkeypatch):
    f = scalar_functions.build(FunctionSpec("weighted_sin", {"a": [1.0, 2.0]}))
    x = np.array([0.3, 0.4])
    value = f(x)
    monkeypatch.setattr(np, "sin", lambda v: v * 0)
    monkeypatch.setattr(np, "sum", lambda v: 0.0)
    assert f(x) == value


def test_unknown_names_and_bad_params_are_errors():
    with pytest.raises(ValueError, match="unknown scalar function 'nope'"):
        scalar_functions.build(FunctionSpec("nope"))
    with pytest.raises(ValueError, match="square matrix"):
        scalar_functions.build(FunctionSpec("quadratic", {"A": np.ones((2, 3))}))
    with pytest.raises(ValueError, match="missing parameter 'a'"):
        scalar_functions.build(FunctionSpec("weighted_sin", {}))
