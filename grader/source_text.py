"""A module's worth of source text for some reference functions: the functions, the ones they
call, and the module-level names they use (numpy, constants), so the text runs on its own."""
import inspect
import textwrap
import types


def module_source(functions):
    imports, constants, bodies, seen = set(), {}, [], set()

    def visit(function):
        if function.__name__ in seen:
            return
        seen.add(function.__name__)
        for name in function.__code__.co_names:
            value = function.__globals__.get(name)
            if isinstance(value, types.FunctionType):
                visit(value)
            elif isinstance(value, types.ModuleType):
                imports.add(f"import {value.__name__} as {name}")
            elif isinstance(value, (int, float, str, bytes, tuple, frozenset)):
                constants[name] = value
        bodies.append(textwrap.dedent(inspect.getsource(function)))

    for function in functions:
        visit(function)
    head = sorted(imports) + [f"{name} = {value!r}" for name, value in sorted(constants.items())]
    return "\n".join(head) + "\n\n\n" + "\n\n".join(bodies)
