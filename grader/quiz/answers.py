"""Reading what a student typed as a set of option letters, and saying exactly what is wrong.

One reader serves the interactive prompt, `--answers` and the class CSV, so the three accept
the same spellings: letters in either case, a multi-select as `AC`, `A,C`, `A+C` or `A C`.
(`--answers` splits the questions on commas first, so there a multi-select is `AC` or `A+C`.)
"""
from __future__ import annotations

import re

from .errors import QuizError
from .model import Question, Quiz
from .words import plural

_SEPARATORS = re.compile(r"[\s,+]+")


class AnswerError(QuizError):
    """An answer that is not a valid choice for its question; the message says why, briefly."""


def parse_choice(raw: str, question: Question) -> frozenset[str]:
    """The letters `raw` chooses for `question`, or AnswerError (empty, unknown letter, ...)."""
    text = (raw or "").strip()
    if not text:
        raise AnswerError("no answer given")
    letters = list("".join(_SEPARATORS.split(text.upper())))
    unknown = [letter for letter in letters if letter not in question.options]
    if unknown:
        # Name the one bad letter of a multi-select ('Z' in 'AZ'); otherwise echo the whole entry.
        shown = unknown[0] if question.multi and len(letters) > 1 else text
        raise AnswerError(f"'{shown}' is not one of {question.letters_text()}")
    if not question.multi and len(letters) != 1:
        raise AnswerError(f"'{text}' gives more than one letter; this question takes one of "
                          f"{question.letters_text()}")
    if len(set(letters)) != len(letters):
        raise AnswerError(f"'{text}' names the same letter twice")
    return frozenset(letters)


def parse_answer_list(text: str, quiz: Quiz) -> list[frozenset[str]]:
    """`--answers`: one comma-separated entry per question, in the order the questions are shown."""
    entries = text.split(",")
    if len(entries) != len(quiz.questions):
        raise QuizError(
            f"--answers has {plural(len(entries), 'answer')} but quiz "
            f"'{quiz.name}' has {plural(len(quiz.questions), 'question')} (one per question, comma-separated; "
            f"a multi-select as AC or A+C)")
    chosen = []
    for number, (entry, question) in enumerate(zip(entries, quiz.questions), start=1):
        try:
            chosen.append(parse_choice(entry, question))
        except AnswerError as e:
            raise QuizError(f"--answers: question {number} ({question.id}): {e}") from None
    return chosen
