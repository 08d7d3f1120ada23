"""What a quiz is once it has been loaded and validated: immutable, already checked data."""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

LETTERS = string.ascii_uppercase


@dataclass(frozen=True)
class Question:
    """One multiple-choice question.

    `options` maps letters to texts in letter order (A, B, C, ...). `answer` is the set of
    right letters; `multi` is True when the file gave the answer as a list, which makes the
    question multi-select (partial credit: see scoring.py).
    `origin` maps each letter shown to the letter in the file; it is not the identity only
    for a shuffled copy (see shuffle.py).
    """

    id: str
    prompt: str
    options: dict[str, str]
    answer: frozenset[str]
    multi: bool = False
    explanation: str = ""
    feedback: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def letters_text(self) -> str:
        """The option letters as a reader sees them: 'A, B, C, D'."""
        return ", ".join(self.options)


@dataclass(frozen=True)
class Quiz:
    """A validated quiz: its name (the file's stem), title, source file and questions in order."""

    name: str
    title: str
    path: Path | None
    questions: tuple[Question, ...]
    seed: int | None = None  # set on a shuffled copy, so results say how to reproduce it

    def __len__(self) -> int:
        return len(self.questions)


def letters_str(letters) -> str:
    """A set of letters written the way answers are typed: sorted and joined ('AC')."""
    return "".join(sorted(letters))
