"""Exercise 10: training the network on the lecture's table.

Standardize the inputs, then repeat forward, loss, backward and a gradient step.
"""

from ex02_neuron import init_params
from ex03_forward import forward
from ex05_losses import bce
from ex08_backward import backward
from ex09_gradient_descent import sgd_step


def standardize(X):
    """Rescales every column to mean 0 and standard deviation 1.

    Slide: X_std = (X − mean) / std, per column (per feature, over the samples)

    X: (n, d). Returns (X_std, mean, std): X_std is (n, d); mean and std hold one value per column.
    Weight (~140 lb) and height (~67 in) on their raw scales would push the sigmoids into their
    flat ends, where the gradients vanish.
    """
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    return (X - mean) / std, mean, std


def train(X, y, n_hidden=2, lr=0.5, epochs=2000, seed=0):
    """Trains a d-n_hidden-1 network by full-batch gradient descent.

    Each epoch: y_hat, cache = forward(X, params); loss = bce(y, y_hat);
    grads = backward(X, y, params, cache); params = sgd_step(params, grads, lr).

    X: (n, d) standardized inputs, y: (n, 1). Start from init_params(d, n_hidden, 1, seed).
    Returns (params, losses): the trained parameters and a list of one float loss per epoch.
    """
    params = init_params(X.shape[1], n_hidden, 1, seed)
    losses = []
    for _ in range(epochs):
        y_hat, cache = forward(X, params)
        losses.append(bce(y, y_hat))
        grads = backward(X, y, params, cache)
        params = sgd_step(params, grads, lr)
    return params, losses


def predict(X, params):
    """The predicted class of every sample: 1 where y_hat >= 0.5, else 0.

    X: (n, d), params: trained parameters. Returns an (n, 1) array of 0.0 / 1.0.
    """
    y_hat, _ = forward(X, params)
    return (y_hat >= 0.5).astype(float)
