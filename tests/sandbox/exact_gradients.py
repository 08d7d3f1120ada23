"""The exact gradients of clean_room.scalar_functions' functions: the tests' oracle for
numerical_gradient. Kept out of the clean room, where they would answer exercise 11."""
import numpy as np

from clean_room.scalar_functions import _lookup, _param, _sigmoid

_asarray, _cos = np.asarray, np.cos
_float64 = np.float64


def _reduce_to(grad, shape):
    """Sum a broadcast gradient back down to x's shape."""
    grad = _asarray(grad, dtype=_float64)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return np.broadcast_to(grad, shape).copy()


def _grad_weighted_sin(params, x):
    a = _param(params, "a")
    return _reduce_to(a * _cos(a * x), x.shape)


def _grad_quadratic(params, x):
    A = _param(params, "A")
    xf = x.reshape(-1)
    return (0.5 * (A + A.T) @ xf).reshape(x.shape)


def _grad_cubic(params, x):
    c = _param(params, "c", default=1.0)
    return _reduce_to(3.0 * c * x ** 2, x.shape)


def _grad_logistic_loss(params, x):
    X = _param(params, "X", "X_in")
    y = _param(params, "y").reshape(-1)
    z = X @ x.reshape(-1)
    return (X.T @ (_sigmoid(z) - y) / X.shape[0]).reshape(x.shape)


GRADIENTS = {
    "weighted_sin": _grad_weighted_sin,
    "quadratic": _grad_quadratic,
    "cubic": _grad_cubic,
    "logistic_loss": _grad_logistic_loss,
}


def gradient(spec, x) -> np.ndarray:
    """The exact gradient of the spec's function at x (a float64 array shaped like x)."""
    name = _lookup(spec, GRADIENTS)
    return GRADIENTS[name](dict(getattr(spec, "params", None) or {}), np.array(x, dtype=_float64))
