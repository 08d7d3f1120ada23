"""Fixtures for the quiz engine's tests: a small quiz written to disk, and click's runner."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.quiz.cli import cli

CHECKOUT = Path(__file__).resolve().parents[2]
QUIZZES = CHECKOUT / "quizzes"

# Three questions: single choice, multi-select (A and C), and one whose options YAML 1.1
# would turn into booleans if the loader resolved scalars.
SMALL_QUIZ = """\
title: Small quiz
questions:
  - id: one
    prompt: Which letter is b?
    options:
      A: a
      B: b
      C: c
    answer: B
    explanation: Because b is b.
    feedback:
      A: a is not b.
      C: c is not b.
  - id: two
    prompt: Which are vowels?
    options:
      A: a
      B: b
      C: e
      D: d
    answer: [A, C]
    explanation: a and e are vowels.
    feedback:
      B: b is a consonant.
      D: d is a consonant.
  - id: three
    prompt: Is this the last question?
    options:
      A: Yes
      B: No
    answer: A
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def run(runner):
    """Runs `quiz ARGS...` in-process; returns click's Result (stdout, stderr, exit_code)."""
    def _run(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
    return _run


@pytest.fixture
def write_quiz(tmp_path):
    """Writes YAML text to tmp_path/quizzes/<name>.yaml and returns the path."""
    folder = tmp_path / "quizzes"
    folder.mkdir(exist_ok=True)

    def _write(text: str, name: str = "small") -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path
    return _write


@pytest.fixture
def small_quiz(write_quiz):
    return write_quiz(SMALL_QUIZ)
