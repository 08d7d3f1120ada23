"""Exercise 4: the chain rule on the lecture's small example, by hand.

Backpropagation is this, repeated: the derivative of the output with respect to an input is
the product of the local derivatives along the path between them.
"""


def chain_rule(x, y, z):
    """Forward and backward through f(x, y, z) = (x + y) z.

    Slide:
        q = x + y        ∂q/∂x = 1, ∂q/∂y = 1
        f = q z          ∂f/∂q = z, ∂f/∂z = q
        ∂f/∂x = ∂f/∂q · ∂q/∂x
        ∂f/∂y = ∂f/∂q · ∂q/∂y

    Here "·" multiplies two numbers.

    x, y, z: numbers. Returns the tuple (f, ∂f/∂x, ∂f/∂y, ∂f/∂z).
    Lecture check: the lecture works this example at x = -2, y = 5, z = -4. Work out the four
    numbers on paper first, then compare them with chain_rule(-2, 5, -4) and with the slide.
    """
    q = x + y
    f = q * z
    dfdq = z
    dfdx = dfdq * 1
    dfdy = dfdq * 1
    dfdz = q
    return f, dfdx, dfdy, dfdz
