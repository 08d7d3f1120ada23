"""The answer weights an LMS needs, shared by the GIFT and Moodle XML exports.

A single-answer question gives 100% to the right option and 0% to the others. Moodle cannot
grade a multi-select all-or-nothing like this engine does; the nearest it gets is: each right
option 100/k % (k right options), each wrong option -100 %, so any wrong tick empties the
question (Moodle never goes below 0) and a missing right tick loses its share.
"""
from __future__ import annotations

from .errors import QuizError
from .model import Question

# Moodle accepts only these shares (its grade options list) for an answer's weight.
_MOODLE_SHARES = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667",
                  7: "14.28571", 8: "12.5", 9: "11.11111", 10: "10"}


def answer_weights(question: Question) -> dict[str, str]:
    """Percent weight of each option letter, as text Moodle accepts ('100', '33.33333', '-100')."""
    if not question.multi:
        return {letter: "100" if letter in question.answer else "0" for letter in question.options}
    share = _MOODLE_SHARES.get(len(question.answer))
    if share is None:
        raise QuizError(f"question '{question.id}': {len(question.answer)} right options; "
                        "Moodle can weight at most 10 in a multi-select question")
    return {letter: share if letter in question.answer else "-100" for letter in question.options}
