"""The exercise catalog (catalog.yaml) as objects: the only list of exercises in the project."""
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
    import yaml  # only here: most commands never need the YAML parser

    # libyaml's parser where PyYAML has it (its wheels do): 7 ms less on every `grade` command
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)["exercises"]
    exercises = tuple(
        Exercise(e["number"], e["title"], e["file"], tuple(e["functions"]), float(e["points"]),
                 _one_line(e["hint"]["idea"]), _one_line(e["hint"]["more"]))
        for e in entries
    )
    numbers = [e.number for e in exercises]
    if numbers != list(range(1, len(exercises) + 1)):
        raise ValueError(f"{path}: exercises must be numbered 1..{len(exercises)} in order, got {numbers}")
    return exercises


def _one_line(text):
    return " ".join(text.split())


def get_exercise(number):
    """Exercise `number`, or a ValueError that says which numbers exist."""
    exercises = load_catalog()
    if not 1 <= number <= len(exercises):
        raise ValueError(f"there is no exercise {number}; the exercises are 1 to {len(exercises)}")
    return exercises[number - 1]
