"""Validating a quiz: refused with one precise line unless every question is sound.

Everything is checked before anything is asked, so a student never meets a broken question
halfway through a quiz. A key written twice, which YAML would silently keep once, is refused too.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from .errors import QuizError
from .model import LETTERS, Question, Quiz
from .paths import display_path
from .yaml_source import read_yaml

TOP_KEYS = ("title", "questions")
QUESTION_KEYS = ("id", "prompt", "options", "answer", "explanation", "feedback")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# The grades CSV has these columns next to one column per question id.
RESERVED_IDS = ("student", "score", "max_score")


def load_quiz(path: Path | str) -> Quiz:
    """Reads and validates one quiz file; raises QuizError naming the file and the question."""
    path = Path(path)
    where = display_path(path)
    data, node = read_yaml(path, where)
    duplicate = _duplicate_key(node)
    if duplicate:
        raise QuizError(f"{where}: {duplicate}")
    return parse_quiz(data, name=path.stem, path=path, where=where)


def _duplicate_key(node) -> str | None:
    """A key written twice (two `A:` options) is kept once by YAML, silently losing the other.

    Found in the node tree (the parsed data has already lost it), and the question is named
    from its own node: with `questions:` itself written twice the data holds only the last list.
    """
    found = _first_duplicate_key(node)
    if found is None:
        return None
    path, key, mark, question = found
    line = f" (line {mark.line + 1})"
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        label = _label({"id": _scalar(question, "id")}, path[1] + 1)
        inside = f" in {path[2]}" if len(path) > 2 else ""
        return f"{label}: '{key}' is written twice{inside}{line}"
    return f"key '{key}' is written twice{line}"


def _first_duplicate_key(root):
    """(path, key, its mark, the node of the question it is in) of the first key written twice,
    in the order of the file, or None. A loop, not recursion: any depth YAML parsed is walked."""
    todo = [("node", root, (), None, None)]
    visited = set()
    while todo:
        kind, node, path, question, seen = todo.pop()
        if kind == "key":
            key = node.value if isinstance(node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                return path, key, node.start_mark, question
            seen.add(key)
            continue
        if id(node) in visited:  # an alias to a node already walked (or a recursive one)
            continue
        visited.add(id(node))
        if len(path) == 2 and path[0] == "questions" and isinstance(path[1], int):
            question = node
        steps = []
        if isinstance(node, yaml.MappingNode):
            keys = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                steps.append(("key", key_node, path, question, keys))
                steps.append(("node", value_node, path + (key,), question, None))
        elif isinstance(node, yaml.SequenceNode):
            steps = [("node", item, path + (index,), question, None) for index, item in enumerate(node.value)]
        todo.extend(reversed(steps))
    return None


def _scalar(node, key: str):
    """The text of `key` in a mapping node (its first occurrence), or None."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node.value if isinstance(value_node, yaml.ScalarNode) else None
    return None


def parse_quiz(data, *, name: str, path: Path | None = None, where: str | None = None) -> Quiz:
    """Validates already-parsed YAML data (string scalars, as BaseLoader gives) into a Quiz."""
    where = where or (display_path(path) if path else name)

    def fail(message: str) -> QuizError:
        return QuizError(f"{where}: {message}")

    if not isinstance(data, dict):
        raise fail(f"the top level must be a mapping with 'title' and 'questions', not {_kind(data)}")
    _check_keys(data, TOP_KEYS, fail, place=" at the top level")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise fail("'title' must be text")
    raw_questions = data.get("questions")
    if raw_questions in (None, "", []):
        raise fail("the quiz has no questions")
    if not isinstance(raw_questions, list):
        raise fail("'questions' must be a list of questions")

    questions: list[Question] = []
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(raw_questions, start=1):
        question = _parse_question(raw, number, where)
        if question.id in first_seen:
            raise QuizError(f"{where}: question '{question.id}' (#{number}): id '{question.id}' "
                            f"is already used by question #{first_seen[question.id]}")
        first_seen[question.id] = number
        questions.append(question)
    return Quiz(name=name, title=title.strip() or name, path=path, questions=tuple(questions))


def _parse_question(raw, number: int, where: str) -> Question:
    label = _label(raw, number)

    def fail(message: str) -> QuizError:
        return QuizError(f"{where}: {label}: {message}")

    if not isinstance(raw, dict):
        raise fail(f"must be a mapping with id, prompt, options and answer, not {_kind(raw)}")
    _check_keys(raw, QUESTION_KEYS, fail)
    qid = raw.get("id")

    if qid in (None, ""):
        raise fail("has no id")
    if not isinstance(qid, str):
        raise fail("'id' must be text")
    qid = qid.strip()
    if not ID_PATTERN.match(qid):
        raise fail(f"id '{qid}' may only use letters, digits, '_', '.' and '-' (it names a CSV column)")
    if qid in RESERVED_IDS:
        raise fail(f"id '{qid}' is reserved: the grades CSV already has a '{qid}' column")

    prompt = _text(raw, "prompt", fail, required=True)
    options = _options(raw.get("options"), fail)
    shown = ", ".join(options)
    answer, multi = _answer(raw.get("answer"), options, shown, fail)
    explanation = _text(raw, "explanation", fail, required=False)
    feedback = _feedback(raw.get("feedback"), options, shown, fail)
    return Question(id=qid, prompt=prompt, options=options, answer=answer, multi=multi,
                    explanation=explanation, feedback=feedback,
                    origin={letter: letter for letter in options})


def _label(raw, number: int) -> str:
    """How messages name a question: by id and position when it has a usable id."""
    qid = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(qid, str) and ID_PATTERN.match(qid.strip()):
        return f"question '{qid.strip()}' (#{number})"
    return f"question #{number}"


def _text(raw: dict, key: str, fail, *, required: bool) -> str:
    value = raw.get(key)
    if value in (None, ""):
        if required:
            raise fail(f"has no {key}")
        return ""
    if not isinstance(value, str):
        raise fail(f"'{key}' must be text, not {_kind(value)}")
    if required and not value.strip():
        raise fail(f"has no {key}")
    return value.strip()


def _options(value, fail) -> dict[str, str]:
    if value in (None, ""):
        raise fail("has no options")
    if not isinstance(value, dict):
        raise fail(f"'options' must be a mapping of letters to texts (A: ..., B: ...), not {_kind(value)}")
    if len(value) < 2:
        raise fail(f"has only {len(value)} option; a question needs at least two")
    letters = list(value)
    expected = list(LETTERS[:len(letters)])
    if letters != expected:
        raise fail(f"option letters must be {', '.join(expected)} in that order, "
                   f"found {', '.join(map(str, letters))}")
    options = {}
    for letter, text in value.items():
        if not isinstance(text, str):
            raise fail(f"option {letter} must be text, not {_kind(text)}")
        if not text.strip():
            raise fail(f"option {letter} is empty")
        options[letter] = text.strip()
    return options


def _answer(value, options: dict, shown: str, fail) -> tuple[frozenset[str], bool]:
    if value in (None, "", []):
        raise fail("has no answer")
    if isinstance(value, str):
        letter = value.strip()
        if letter not in options:
            hint = ""
            several = re.findall(r"[A-Z]", letter)
            if len(several) > 1 and re.fullmatch(r"[A-Z,+\s]+", letter):
                hint = f" (write a list like [{', '.join(several)}] for a multi-select answer)"
            raise fail(f"answer '{letter}' is not one of the options {shown}{hint}")
        return frozenset([letter]), False
    if isinstance(value, list):
        seen: set[str] = set()
        for item in value:
            if not isinstance(item, str):
                raise fail(f"answer list items must be letters, not {_kind(item)}")
            letter = item.strip()
            if letter not in options:
                raise fail(f"answer '{letter}' is not one of the options {shown}")
            if letter in seen:
                raise fail(f"answer lists '{letter}' twice")
            seen.add(letter)
        return frozenset(seen), True
    raise fail(f"'answer' must be a letter or a list of letters, not {_kind(value)}")


def _feedback(value, options: dict, shown: str, fail) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise fail(f"'feedback' must be a mapping of option letters to texts, not {_kind(value)}")
    feedback = {}
    for letter, text in value.items():
        if letter not in options:
            raise fail(f"feedback for '{letter}', which is not one of the options {shown}")
        if not isinstance(text, str):
            raise fail(f"feedback for {letter} must be text, not {_kind(text)}")
        if text.strip():
            feedback[letter] = text.strip()
    return feedback


def _check_keys(mapping: dict, allowed: tuple[str, ...], fail, place: str = "") -> None:
    """Refuses a key the format does not know: a typo like `anwser:` would otherwise vanish."""
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(allowed)})"
            raise fail(f"unknown key '{key}'{place}{hint}")


def _kind(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None or value == "":
        return "nothing"
    return f"the text '{value}'"
