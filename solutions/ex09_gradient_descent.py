"""Exercise 9: one step of gradient descent.

The gradient points in the direction in which the loss grows fastest; step the other way. The
lecture names gradient descent without a formula on its slides: here is the update rule.
"""


def sgd_step(params, grads, lr):
    """The parameters after one gradient-descent step, as a new dict.

    New today: W ← W − lr · dL/dW   (for every parameter: W1, b1, W2, b2)

    Here "·" multiplies the array dL/dW by the number lr.
    params, grads: dicts with the same keys and shapes. lr: the learning rate, a float.
    Returns a new dict; params and grads must be left unchanged (no -= on their arrays).
    """
    return {name: params[name] - lr * grads[name] for name in params}
