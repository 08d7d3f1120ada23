"""Gradient descent, input standardization, the training loop and prediction (exercises 9-10)."""
import numpy as np

from .backprop import backward
from .losses import bce
from .network import forward, init_params


def sgd_step(params, grads, lr):
    """One step downhill: θ ← θ − lr · dL/dθ, returned as a new dict; the inputs stay unchanged."""
    return {name: params[name] - lr * grads[name] for name in params}


def standardize(X):
    """Each column to mean 0 and standard deviation 1 (population std, ddof=0).

    Weight (~140 lb) and height (~67 in) on their raw scales would saturate the sigmoids.
    A constant column keeps std 1 instead of dividing by zero.
    """
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X - mean) / std, mean, std


def train(X, y, n_hidden=2, lr=0.5, epochs=2000, seed=0):
    """Full-batch gradient descent; returns (params, losses) with the loss before each update."""
    params = init_params(X.shape[1], n_hidden, 1, seed)
    losses = []
    for _ in range(epochs):
        y_hat, cache = forward(X, params)
        losses.append(bce(y, y_hat))
        params = sgd_step(params, backward(X, y, params, cache), lr)
    return params, losses


def predict(X, params):
    """1.0 where the network's probability is at least 0.5, else 0.0, shaped (n, 1)."""
    y_hat, _ = forward(X, params)
    return (y_hat >= 0.5).astype(np.float64)
