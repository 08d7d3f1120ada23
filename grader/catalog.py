"""The exercise catalog (catalog.yaml) as objects: the only list of exercises in the project.

A package may ship it compiled as well (catalog.json, `compiled_catalog`): the same entries,
read without importing PyYAML, whose import alone costs 20 ms of every Gradescope run. It is
read only while it matches the YAML beside it byte for byte (a hash), so the YAML stays the
one to edit.
"""
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
COURSE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Exercise:
    number: int
    title: str
    file: str
    functions: tuple
    points: float
    hint: str        # the idea: `grade hint N`
    hint_more: str   # code-level help: `grade hint N --more`

    @property
    def module(self):
        """The import name an exercise file has, e.g. ex01_activations."""
        return Path(self.file).stem


@lru_cache(maxsize=None)
def load_catalog(path=CATALOG_FILE):
    """Reads the catalog; numbered 1..N in order, so exercise N is catalog[N - 1]."""
    text = Path(path).read_bytes()
    entries = _compiled_entries(Path(path), text)
    if entries is None:
        entries = _yaml_entries(text)
    exercises = tuple(
        Exercise(e["number"], e["title"], e["file"], tuple(e["functions"]), float(e["points"]),
                 _one_line(e["hint"]["idea"]), _one_line(e["hint"]["more"]))
        for e in entries
    )
    numbers = [e.number for e in exercises]
    if numbers != list(range(1, len(exercises) + 1)):
        raise ValueError(f"{path}: exercises must be numbered 1..{len(exercises)} in order, got {numbers}")
    return exercises


def _yaml_entries(text):
    import yaml  # only here: most commands never need the YAML parser

    # libyaml's parser where PyYAML has it (its wheels do): 7 ms less on every `grade` command
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text.decode("utf-8"), Loader=loader)["exercises"]


def compiled_catalog(path=CATALOG_FILE):
    """The text of the compiled catalog a package ships beside `path` (its name, .json)."""
    text = Path(path).read_bytes()
    return json.dumps({"yaml_sha256": hashlib.sha256(text).hexdigest(), "exercises": _yaml_entries(text)},
                      ensure_ascii=False, indent=1) + "\n"


def _compiled_entries(path, text):
    """The entries of path's compiled twin, or None where there is none or it is not of this YAML."""
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("yaml_sha256") != hashlib.sha256(text).hexdigest():
        return None
    return data.get("exercises")


def _one_line(text):
    return " ".join(text.split())


def get_exercise(number):
    """Exercise `number`, or a ValueError that says which numbers exist."""
    exercises = load_catalog()
    if not 1 <= number <= len(exercises):
        raise ValueError(f"there is no exercise {number}; the exercises are 1 to {len(exercises)}")
    return exercises[number - 1]
