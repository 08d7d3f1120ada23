"""`grade watch`: re-grade the exercise being worked on each time its file is saved (as rustlings does)."""
import time
from pathlib import Path

from .catalog import get_exercise, load_catalog
from .progress import load_progress


def next_exercise(folder):
    """The first exercise not done yet, by the progress file; None when all are done."""
    progress = load_progress(folder)
    for e in load_catalog():
        if progress.get(e.number, {}).get("status") != "done":
            return e
    return None


def modified_time(path):
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return None


def refresh_progress(folder):
    """Grades every exercise once, quietly, and records it: where to start must not come from a
    progress file written before an exercise was broken again (or edited by hand)."""
    from .grading import course
    from .progress import record_progress

    record_progress(folder, course().grade_folder(folder))


def watch_exercises(folder, number=None, interval=0.5, *, echo=print, clear=lambda: None,
                    should_stop=lambda: False, grade=None, refresh=refresh_progress):
    """Grades on every save until should_stop() (or Ctrl-C); follows the course when number is None,
    from the first exercise not done as grading finds it now (refresh), not as the file last said."""
    from .cli import run_grading

    grade = grade or (lambda n: run_grading(folder, {n}, None, None, False))
    if number is None:
        echo("Grading every exercise to see where you are...")
        refresh(folder)
    exercise = get_exercise(number) if number else next_exercise(folder)
    seen = None
    while exercise is not None and not should_stop():
        stamp = modified_time(Path(folder) / exercise.file)
        if stamp != seen:
            seen = stamp
            clear()
            done = grade(exercise.number)
            if done and number is None:
                following = next_exercise(folder)
                if following is None:
                    echo("\nEvery exercise is done. Well done!")
                    return
                if following.number != exercise.number:
                    echo(f"\nExercise {exercise.number} is done. Next: exercise {following.number}, {following.file}.")
                    exercise, seen = following, None
                    continue
            echo(f"\nWatching {Path(folder) / exercise.file}: save it to grade again (Ctrl-C to stop).")
        time.sleep(interval)
