"""Trusted scalar test functions f(x) -> float, for the numerical_gradient(f, x, h) tests.

A hidden test cannot send a Python function to the student's process (only plain data travels),
so it sends a `FunctionSpec(name, params)` and the child rebuilds the function from this module,
which is grader code. The parent builds the same function to compute the expected answer.

    FUNCTIONS[name](params) -> f        f(x) -> float, a pure function of the array x
    build(spec) -> f                    the same, from a FunctionSpec (anything with .name, .params)

Their exact gradients are not here: this module is in the student's process, and an exact
gradient would answer exercise 11 for it. The tests hold them (tests/sandbox/exact_gradients.py).

| name          | params                          | f(x)                                           |
|---------------|---------------------------------|------------------------------------------------|
| weighted_sin  | a: array broadcastable to x     | sum(sin(a * x))                                |
| quadratic     | A: (m, m) matrix, m = x.size    | 0.5 * xf @ (A @ xf), xf = x flattened          |
| cubic         | c: array or number (default 1)  | sum(c * x**3); forward differences are off by  |
|               |                                 | about 3c·h·x per element, central by c·h²      |
| logistic_loss | X (or X_in): (n, d), y: n 0/1s  | mean BCE of sigmoid(X @ xf) against y, as      |
|               |                                 | mean(log(1 + exp(z)) - y z): finite for any z  |

Every function reads x and never writes it (numerical_gradient perturbs x in place and calls f),
copies its params when built, and holds its own references to the numpy functions it uses, so a
student who reassigns np.sin in the child changes nothing here.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["FUNCTIONS", "build"]

_asarray = np.asarray
_array = np.array
_float64 = np.float64
_sin, _cos, _exp, _logaddexp = np.sin, np.cos, np.exp, np.logaddexp
_sum, _mean, _dot = np.sum, np.mean, np.dot
_ndarray = np.ndarray


def _param(params, *names, default=None):
    for name in names:
        if name in params:
            return _array(params[name], dtype=_float64)  # a copy: nobody else can change it
    if default is not None:
        return _array(default, dtype=_float64)
    raise ValueError(f"missing parameter {names[0]!r}")


def _x(x):
    return _asarray(x, dtype=_float64)  # no copy for float64 arrays, and never written


def _sigmoid(z):
    return 1.0 / (1.0 + _exp(-z))


def weighted_sin(params) -> Callable:
    a = _param(params, "a")

    def f(x):
        return float(_sum(_sin(a * _x(x))))
    return f


def quadratic(params) -> Callable:
    A = _param(params, "A")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"quadratic needs a square matrix A, got shape {A.shape}")

    def f(x):
        xf = _x(x).reshape(-1)
        return float(0.5 * _dot(xf, _dot(A, xf)))
    return f


def cubic(params) -> Callable:
    c = _param(params, "c", default=1.0)

    def f(x):
        return float(_sum(c * _x(x) ** 3))
    return f


def logistic_loss(params) -> Callable:
    X = _param(params, "X", "X_in")
    y = _param(params, "y").reshape(-1)
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"logistic_loss needs X of shape (n, d) and n labels y, got {X.shape} "
                         f"and {y.shape}")

    def f(x):
        z = _dot(X, _x(x).reshape(-1))
        return float(_mean(_logaddexp(0.0, z) - y * z))
    return f


FUNCTIONS: dict[str, Callable[[dict], Callable[[np.ndarray], float]]] = {
    "weighted_sin": weighted_sin,
    "quadratic": quadratic,
    "cubic": cubic,
    "logistic_loss": logistic_loss,
}


def _lookup(spec, table):
    name = getattr(spec, "name", None)
    if name not in table:
        raise ValueError(f"unknown scalar function {name!r}; the known ones are "
                         f"{', '.join(sorted(table))}")
    return name


def build(spec) -> Callable[[np.ndarray], float]:
    """The function f(x) -> float a FunctionSpec names, with its params."""
    name = _lookup(spec, FUNCTIONS)
    return FUNCTIONS[name](dict(getattr(spec, "params", None) or {}))
