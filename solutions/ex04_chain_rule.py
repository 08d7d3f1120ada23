"""Exercise 4: the chain rule on the lecture's small example, by hand.

Backpropagation is this, repeated: the derivative of the output with respect to an input is
the product of the local derivatives along the path between them.
"""


def chain_rule(x, y, z):
    """Forward and backward through f = (x + y) · z.

    Slide: call q = x + y, so f = q · z.
        df/dz = q,   df/dq = z,   dq/dx = 1,   dq/dy = 1
        df/dx = df/dq · dq/dx,    df/dy = df/dq · dq/dy

    x, y, z: numbers. Returns the tuple (f, df/dx, df/dy, df/dz).
    Lecture check: chain_rule(-2, 5, -4) == (-12, -4, -4, 3).
    """
    q = x + y
    f = q * z
    dfdq = z
    dfdx = dfdq * 1
    dfdy = dfdq * 1
    dfdz = q
    return f, dfdx, dfdy, dfdz
