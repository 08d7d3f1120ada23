"""What a student's file gets when it imports an earlier exercise: the reference's functions,
rebuilt so that nothing else of the reference can be reached through them.

`from ex01_activations import sigmoid` inside ex03 must work (the SPEC lets an exercise import
an earlier one), and must cost nothing when the student's own sigmoid is wrong, so the child
gets the reference's sigmoid. But a real function carries its module's namespace in
`__globals__`: reference.dz2.__globals__ holds backward, the answer to exercise 8. So each
function is rebuilt from its code with globals holding only the names that code uses (numpy,
constants, and the other reference functions it calls, rebuilt the same way), and only the
exercises before the one being graded are offered.
"""
import types
from functools import lru_cache

import reference
from .catalog import load_catalog


def isolated(function, _made=None):
    """A copy of a reference function whose globals hold only what its code needs."""
    made = {} if _made is None else _made
    if function in made:
        return made[function]
    namespace = {"__builtins__": __builtins__, "__name__": "reference"}
    copy = types.FunctionType(function.__code__, namespace, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__doc__ = function.__doc__
    made[function] = copy
    for name in function.__code__.co_names:
        if name not in function.__globals__:
            continue   # an attribute name (X.T, .shape) or a builtin
        value = function.__globals__[name]
        namespace[name] = isolated(value, made) if isinstance(value, types.FunctionType) else value
    return copy


@lru_cache(maxsize=None)
def redirects_for(number):
    """{module name: {function name: isolated reference function}} for the exercises before `number`."""
    made = {}
    return {e.module: {name: isolated(getattr(reference, name), made) for name in e.functions}
            for e in load_catalog() if e.number < number}
