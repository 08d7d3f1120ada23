"""The hidden tests, one module per exercise, each with tests(rng) -> list of HiddenTest.

The inputs come from the grader's seeded generator, so a submission that hard-codes one
seed's answers fails under another.
"""
from importlib import import_module


def build_tests(number, rng):
    """The hidden tests of exercise `number`, with inputs drawn from rng."""
    return import_module(f"{__name__}.ex{number:02d}").tests(rng)
