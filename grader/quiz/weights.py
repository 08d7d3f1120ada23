"""The answer weights an LMS needs, shared by the GIFT and Moodle XML exports.

They are the engine's own rule (scoring.option_weights) written as Moodle's percentages: a
one-answer question gives 100% to the right option and 0% to the others; a multi-select
question with k right and w wrong options gives each right option 100/k % and each wrong one
-100/w %. Moodle adds the weights of the options ticked and floors the question at 0, exactly
as `quiz` does, so an answer scores the same in Moodle as in the terminal.
"""
from __future__ import annotations

from fractions import Fraction

from .errors import QuizError
from .model import Quiz
from .paths import display_path
from .scoring import option_weights

# Moodle accepts only the percentages of its grade list for an answer's weight; these are the
# shares 1/n it has, as Moodle writes them.
_MOODLE_SHARES = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667",
                  7: "14.28571", 8: "12.5", 9: "11.11111", 10: "10"}


def quiz_weights(quiz: Quiz) -> list[dict[str, str]]:
    """For each question in order, the percent weight of each option letter as text Moodle
    accepts ('100', '33.33333', '-50', '0'); a QuizError naming the file and the question when
    a weight is one Moodle cannot take (more than 10 right, or 10 wrong, options in a multi-select)."""
    weights = []
    for number, question in enumerate(quiz.questions, start=1):
        texts = {}
        for letter, weight in option_weights(question).items():
            text = _moodle_percent(weight)
            if text is None:
                kind = "right" if weight > 0 else "wrong"
                count = sum((w > 0) == (weight > 0) for w in option_weights(question).values())
                where = display_path(quiz.path) if quiz.path else quiz.name
                raise QuizError(f"{where}: question '{question.id}' (#{number}): {count} {kind} options; "
                                f"Moodle can weight at most 10 {kind} options in a multi-select question")
            texts[letter] = text
        weights.append(texts)
    return weights


def _moodle_percent(weight: Fraction) -> str | None:
    if weight == 0:
        return "0"
    if weight.numerator not in (1, -1) or weight.denominator not in _MOODLE_SHARES:
        return None
    return ("-" if weight < 0 else "") + _MOODLE_SHARES[weight.denominator]
