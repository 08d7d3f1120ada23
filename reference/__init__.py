"""The reference 2-layer network of Day 7: the single source of truth the grader compares against.

Every function of the course's exercise table lives here under the same name.
"""
from .activations import relu, relu_prime, sigmoid, sigmoid_prime
from .backprop import backward, da1, db1, db2, dw1, dw2, dz1, dz2
from .chain_rule import chain_rule
from .data import load_lecture_table
from .gradient_check import numerical_gradient, relative_error
from .losses import bce, mse
from .network import forward, init_params, neuron
from .training import predict, sgd_step, standardize, train

__all__ = [
    "sigmoid", "sigmoid_prime", "relu", "relu_prime",
    "neuron", "init_params", "forward",
    "chain_rule",
    "mse", "bce",
    "dz2", "dw2", "db2", "da1", "dz1", "dw1", "db1", "backward",
    "sgd_step", "standardize", "train", "predict",
    "numerical_gradient", "relative_error",
    "load_lecture_table",
]
