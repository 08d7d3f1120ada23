"""Exercise 10: training the network on the lecture's table.

Standardize the inputs, then let the network learn, one epoch after the other. When all of
exercises 1 to 10 pass, `grade demo` trains your own network on the lecture's table and draws
what it learned.
"""
import numpy as np

from ex02_neuron import init_params
from ex03_forward import forward
from ex05_losses import bce
from ex08_backward import backward
from ex09_gradient_descent import sgd_step


def standardize(X):
    """Rescales every column to mean 0 and standard deviation 1.

    New today: X_std = (X − mean) / std, per column (per feature, over the samples)

    std is the population standard deviation, which divides by n (ddof=0, np.std's default),
    not by n − 1; the lecture does not go into this, the grader expects ddof=0.
    X: (n, d). Returns (X_std, mean, std): X_std is (n, d); mean and std hold one value per column.
    Keep mean and std: a new person is standardized with the training data's mean and std,
    never with their own.
    Weight (~140 lb) and height (~67 in) on their raw scales would push the sigmoids into their
    flat ends, where the gradients vanish.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("standardize is not written yet")


def train(X, y, n_hidden=2, lr=0.5, epochs=2000, seed=0):
    """Trains a d-n_hidden-1 network by full-batch gradient descent.

    The lecture's training loop. Start from the initial parameters of exercise 2, made with
    this seed. Then every epoch (one pass over all the samples) does four steps, in this order:
      1. forward: predict ŷ for every sample with the current parameters;
      2. loss: measure how far ŷ is from y, and record it (bce takes y first: bce(y, y_hat));
      3. backward: the gradient of that loss with respect to every parameter;
      4. update: one gradient-descent step with the learning rate lr; the next epoch starts
         from the new parameters.
    Each step is one of your earlier exercises; this function only puts them in order, in a loop.

    X: (n, d) standardized inputs, y: (n, 1).
    Returns (params, losses): the trained parameters and a list of one float loss per epoch.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("train is not written yet")


def predict(X, params):
    """The predicted class of every sample: 1 (F) where ŷ >= 0.5, else 0 (M).

    X: (n, d), params: trained parameters. Returns an (n, 1) array of 0.0 / 1.0.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("predict is not written yet")
