"""A reproducible shuffled copy of a quiz, relabelled so the letters shown are the letters answered.

The copy is an ordinary Quiz: options are re-lettered A, B, C... in the order shown and the
answer and feedback follow their options, so scoring needs to know nothing about shuffling.
"""
from __future__ import annotations

import random
from dataclasses import replace

from .model import LETTERS, Question, Quiz


def shuffled(quiz: Quiz, seed: int) -> Quiz:
    """The same quiz with questions and each question's options permuted by `seed`."""
    rng = random.Random(seed)
    order = list(quiz.questions)
    rng.shuffle(order)
    return replace(quiz, questions=tuple(_shuffle_options(q, rng) for q in order), seed=seed)


def _shuffle_options(question: Question, rng: random.Random) -> Question:
    old_letters = list(question.options)
    rng.shuffle(old_letters)
    new_for_old = {old: LETTERS[i] for i, old in enumerate(old_letters)}
    return replace(
        question,
        options={new_for_old[old]: question.options[old] for old in old_letters},
        answer=frozenset(new_for_old[old] for old in question.answer),
        feedback={new_for_old[old]: text for old, text in question.feedback.items()},
        origin={new_for_old[old]: question.origin.get(old, old) for old in old_letters},
    )
