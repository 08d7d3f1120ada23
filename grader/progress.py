"""Remembers each exercise's status between runs, in a small JSON file beside the student's files."""
import json
import os
import tempfile
import time
from pathlib import Path

from .results import exercise_status

FILE_NAME = ".grade-progress.json"


def progress_file(folder):
    return Path(folder) / FILE_NAME


def load_progress(folder):
    """{exercise number: {"status", "score", "max_score", "when"}}; empty when there is none yet."""
    try:
        data = json.loads(progress_file(folder).read_text())
        entries = data["exercises"].items()
        return {int(k): v for k, v in entries
                if isinstance(v, dict) and isinstance(v.get("status"), str) and isinstance(v.get("score"), (int, float))}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}   # no file yet, or one edited by hand into something else: start afresh


def record_progress(folder, results):
    """Adds these results to the file; a folder that cannot be written just keeps no progress."""
    progress = load_progress(folder)
    for ex in results:
        progress[ex.number] = {"status": exercise_status(ex), "score": ex.score, "max_score": ex.max_score,
                               "when": time.strftime("%Y-%m-%d %H:%M")}
    path = progress_file(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grade-progress.")
        with os.fdopen(fd, "w") as f:
            json.dump({"exercises": {str(k): v for k, v in sorted(progress.items())}}, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass
