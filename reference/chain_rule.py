"""The lecture's chain-rule example f = (x + y) z, forward and backward (exercise 4)."""


def chain_rule(x, y, z):
    """Returns (f, df/dx, df/dy, df/dz) for f = q z with q = x + y.

    Backward: df/dq = z, and dq/dx = dq/dy = 1, so df/dx = df/dy = z; df/dz = q.
    """
    q = x + y
    f = q * z
    dfdq = z
    return f, dfdq * 1, dfdq * 1, q
