"""The quiz engine: load and validate YAML quizzes, take them, grade a class, export to an LMS.

The command line lives in `cli.py`; everything it does is a plain function importable from here.
"""
from .errors import QuizError
from .loader import load_quiz
from .model import Question, Quiz
from .scoring import QuizResult, score

__all__ = ["QuizError", "load_quiz", "Question", "Quiz", "QuizResult", "score"]
