"""Export to GIFT, the plain-text question format Moodle (and other LMSs) import.

Each question becomes `::id::[plain]prompt{ ... }` with `=right`/`~wrong` options (weighted
`~%50%` ones for a multi-select), `#feedback` after an option and `####explanation` as the
question's general feedback. `[plain]` keeps texts like `w <- w - lr * dL/dw` literal.
"""
from __future__ import annotations

from .model import Question, Quiz
from .weights import quiz_weights
from .words import plural

_SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    """Backslash-escapes GIFT's special characters; a newline becomes `\\n` (a blank line would
    end the question)."""
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def to_gift(quiz: Quiz) -> str:
    """The whole quiz as GIFT text, one question per paragraph, in the quiz's order."""
    title = " ".join(quiz.title.split())
    header = f"// Quiz {quiz.name}: {title}\n// {plural(len(quiz), 'question')}, exported by `quiz export`"
    blocks = [header] + [_question(q, w) for q, w in zip(quiz.questions, quiz_weights(quiz))]
    return "\n\n".join(blocks) + "\n"


def _question(question: Question, weights: dict[str, str]) -> str:
    # `// [id:...]` sets the question's ID number in Moodle.
    lines = [f"// [id:{question.id}]", f"::{escape(question.id)}::[plain]{escape(question.prompt)}{{"]
    for letter, text in question.options.items():
        lines.append("\t" + _option(question, letter, text, weights[letter]))
    if question.explanation:
        lines.append("\t####" + escape(question.explanation))
    lines.append("}")
    return "\n".join(lines)


def _option(question: Question, letter: str, text: str, weight: str) -> str:
    if question.multi:
        mark = f"~%{weight}%"
    elif letter in question.answer:
        mark = "="
    else:
        # An explicit 0% keeps a text that itself starts with "%50%" from reading as a weight.
        mark = "~%0%" if text.startswith("%") else "~"
    feedback = question.feedback.get(letter)
    return mark + escape(text) + (f"#{escape(feedback)}" if feedback else "")
