"""Reading a quiz file's YAML, keeping every scalar as the text that was written.

YAML's BaseLoader is used: `A: 0.05` keeps its digits, `A: Yes` does not turn into True and
`id: 3` is the id "3". The node tree is returned too, so validation can see what YAML hides
(a key written twice).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import QuizError
from .paths import read_text


def read_yaml(path: Path, where: str):
    """(data, root node) of a YAML file, or QuizError naming the file (and the line, if known)."""
    text = read_text(path, where, "quiz file")
    loader = None
    try:
        loader = yaml.BaseLoader(text)   # reads the whole text: a control character fails here
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.reader.ReaderError as e:
        raise QuizError(f"{where}: not valid YAML: {_reader_problem(e, text)}") from None
    except yaml.MarkedYAMLError as e:
        where_in_file = ""
        if e.problem_mark is not None:
            where_in_file = f" (line {e.problem_mark.line + 1}, column {e.problem_mark.column + 1})"
        problem = " ".join(str(e.problem or e.context or "syntax error").split())
        raise QuizError(f"{where}: not valid YAML: {problem}{where_in_file}") from None
    except yaml.YAMLError as e:
        raise QuizError(f"{where}: not valid YAML: {' '.join(str(e).split())}") from None
    except RecursionError:
        raise QuizError(f"{where}: not valid as a quiz: lists or mappings nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _reader_problem(e, text: str) -> str:
    """A character YAML refuses (a NUL, another control character), with its line and column."""
    character = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
    position = e.position if isinstance(e.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"the non-printable character U+{character:04X} is not allowed (line {line}, column {column})"
