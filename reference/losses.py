"""Loss functions (exercise 5)."""
import numpy as np

# y_hat is clipped to [EPS, 1 - EPS] so that log never sees 0: a confident wrong answer costs
# -log(1e-12) ≈ 27.6 instead of infinity, and the loss stays usable for training and reporting.
EPS = 1e-12


def mse(y, y_hat):
    """Mean squared error over all elements: mean((y_hat − y)²)."""
    y, y_hat = np.asarray(y, dtype=np.float64), np.asarray(y_hat, dtype=np.float64)
    return float(np.mean((y_hat - y) ** 2))


def bce(y, y_hat):
    """Mean binary cross-entropy: −(1/n) Σ [y log ŷ + (1 − y) log(1 − ŷ)], finite at ŷ = 0 or 1."""
    y = np.asarray(y, dtype=np.float64)
    y_hat = np.clip(np.asarray(y_hat, dtype=np.float64), EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(y_hat) + (1.0 - y) * np.log(1.0 - y_hat)))
