"""The `grade` command: thin click wrappers; the work lives in plain functions tests call directly."""
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import click

from .catalog import get_exercise, load_catalog
from .cli_errors import OneLineUsageErrors
from .start import RUNS_STUDENT_CODE

DEFAULT_PATH = Path("exercises")   # shown when no course or kit is found above the current folder
STUDENT_COMMANDS = ("list", "hint", "exercise", "all", "watch")   # all that a student kit offers


class GradeError(click.ClickException):
    """A one-line error (exit 2) for bad input: a wrong exercise number, a missing folder."""
    exit_code = 2

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True)


def exercise_or_fail(number):
    try:
        return get_exercise(number)
    except ValueError as e:
        raise GradeError(str(e))


def default_folder(path):
    """--path, or the exercises/ of the course or kit the current folder is in (as git finds its repo)."""
    if path is not None:
        return path
    from .locate import find_exercises
    return find_exercises() or DEFAULT_PATH


def student_folder(path, zip_ok=False):
    if path is None:
        found = default_folder(None)
        if not found.is_dir():
            raise GradeError("no exercises/ folder here or in any folder above: run grade inside the course or the "
                             "kit, or give --path (the folder holding your exercise files)")
        return found
    if zip_ok and path.is_file() and path.suffix.lower() == ".zip":
        return path   # a handed-in submission, graded as grade batch grades it (grader/handed_in.py)
    if not path.is_dir():
        raise GradeError(not_a_folder(path))
    return path


def not_a_folder(path):
    """Why --path is not a folder to grade: it does not exist, or what it is instead."""
    usage = "--path names the folder holding your exercise files"
    if not path.exists():
        return f"{path}: no such folder ({usage})"
    if path.is_file() and path.name in {e.file for e in load_catalog()}:
        return f"{path} is an exercise file; {usage}: --path {path.parent}"
    if path.is_file() and path.suffix.lower() == ".zip":
        return f"{path} is a .zip file; grade exercise and grade all take one (a handed-in submission), this command needs a folder"
    kind = "a file" if path.is_file() else "not a regular file or folder"
    return f"{path} is {kind}, not a folder ({usage})"


def terminal_width():
    """The terminal's columns (COLUMNS first), or feedback.WIDTH when output is not a terminal."""
    import shutil

    from .feedback import WIDTH
    return shutil.get_terminal_size((WIDTH, 24)).columns


path_option = click.option("--path", type=click.Path(path_type=Path), default=None,
                           help="The folder holding the exercise files (default: the exercises/ folder of the "
                                "course or kit you are in).")
seed_option = click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the hidden tests' inputs.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the Gradescope results JSON.")
submission_option = click.option(
    "--submission", is_flag=True,
    help="--path is a handed-in submission (a folder or .zip): find its exercise files as grade batch does, "
         "and write nothing into it.")
timeout_option = click.option("--timeout", type=float, default=None, help="Seconds allowed per exercise.")


class GradeGroup(OneLineUsageErrors, click.Group):
    """`grade`: a bad command line (a wrong type, an unknown option) is one `error:` line, exit 2."""


class CourseGroup(GradeGroup):
    """The `grade` commands; a student kit (grader.public installed) offers the student commands only."""

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        return [n for n in names if n in STUDENT_COMMANDS] if kit_installed() else names

    def get_command(self, ctx, name):
        if kit_installed() and name not in STUDENT_COMMANDS:
            return None
        return super().get_command(ctx, name)

    def main(self, args=None, *rest, **kwargs):
        safe_console()
        words = sys.argv[1:] if args is None else list(args)
        if words and words[0] in RUNS_STUDENT_CODE:
            from . import runner
            runner.warm()   # the clean template imports numpy while this process does the same
        return super().main(args, *rest, **kwargs)


def run():
    """The `grade` program: main(), then out without the interpreter's teardown (about 25 ms of
    freeing what the process is about to lose anyway). Output is flushed first; the clean
    template ends by itself when this process does."""
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if not isinstance(exit_.code, (int, type(None))):
            print(exit_.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def kit_installed():
    """True in a student kit (its public checks are installed beside the grader), found without
    importing grader.public, which imports numpy: the template must start first."""
    return (Path(__file__).with_name("public_checks") / "format.json").is_file()


def safe_console():
    """Feedback has σ, ᵀ and −: where the console cannot encode them (a Windows code page, output
    redirected to a file there), they are replaced instead of crashing the command."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


@click.group(cls=CourseGroup)
def main():
    """Grades the Day 7 exercises: `grade list`, `grade exercise N`, `grade all`, `grade batch`."""


@main.command("list")
@path_option
def list_(path):
    """The exercises, their files and points, and your progress so far."""
    from .progress import load_progress

    if path is not None:
        student_folder(path)   # a --path that is not a folder is an error, as for every command
    progress = load_progress(default_folder(path))
    exercises = load_catalog()
    click.echo(f"{'#':>3}  {'title':42s} {'file':26s} {'points':>6}  status")
    for e in exercises:
        state = progress.get(e.number, {}).get("status", "not started")
        color = {"done": "green", "failing": "yellow", "error": "red"}.get(state)
        click.echo(f"{e.number:>3}  {e.title:42s} {e.file:26s} {e.points:>6g}  " + click.style(state, fg=color))
    done = sum(1 for e in exercises if progress.get(e.number, {}).get("status") == "done")
    earned = sum(progress.get(e.number, {}).get("score", 0) for e in exercises)
    total = sum(e.points for e in exercises)
    click.echo(f"\nProgress: {done}/{len(exercises)} exercises done, {earned:g}/{total:g} points.")


def open_notebook(path):
    """The notebook's exercise files in a temporary folder when --path names a .ipynb, else None."""
    if path is None or path.suffix.lower() != ".ipynb":
        return None
    from .notebook import NotebookError, NotebookFolder
    if not path.is_file():
        raise GradeError(f"{path}: no such notebook")
    try:
        return NotebookFolder(path)
    except NotebookError as e:
        raise GradeError(str(e))


def run_grading(path, numbers, seed, timeout, as_json, submission=False):
    """Grades and prints; returns True when every graded exercise earned full marks."""
    from . import runner
    runner.warm()   # the clean template imports numpy while this process does the same
    from .grading import DEFAULT_TIMEOUT, STUDENT_SEED, check_timeout, course
    from .feedback import WIDTH, all_text, exercise_text
    from .handed_in import NotGradable, grading_place, relabel
    from .progress import record_progress
    from .results import to_gradescope

    try:
        timeout = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
    except ValueError as e:
        raise GradeError(str(e))
    start = time.perf_counter()
    notebook = open_notebook(path)
    given, path = path, student_folder(notebook.folder if notebook else path, zip_ok=not notebook)
    grader = course()
    if seed not in (None, STUDENT_SEED) and grader.__name__ == "grader.public":
        raise GradeError(f"this kit holds the public tests of seed {STUDENT_SEED} only; graded runs draw other inputs")
    try:
        with grading_place(path, submission and not notebook) as place:
            if notebook:   # messages name the notebook, not the folder its functions were written to
                place = dataclasses.replace(place, own=False, staged_as=str(notebook.folder), display=str(given))
            results = relabel(grader.grade_folder(place.folder, STUDENT_SEED if seed is None else seed,
                                                  timeout, numbers), place)
    except NotGradable as e:
        raise GradeError(str(e))
    finally:
        if notebook:
            notebook.close()
    if not notebook and place.own:
        record_progress(path, results)
    files = {e.number: e.file for e in load_catalog()}
    many = len(results) > 1
    width = WIDTH if as_json else terminal_width()
    text = all_text(results, files, width) if many else exercise_text(results[0], files[results[0].number], width=width)
    if place.head:
        text = place.head + "\n\n" + text
    if notebook and notebook.problems:
        text = "\n".join(f"note: {p}" for p in notebook.problems) + "\n\n" + text
    if as_json:
        click.echo(json.dumps(to_gradescope(results, time.perf_counter() - start, text), indent=2))
    else:
        click.echo(text)
    return all(ex.score == ex.max_score for ex in results)


@main.command()
@click.argument("number", type=int)
@path_option
@seed_option
@json_option
@timeout_option
@submission_option
def exercise(number, path, seed, as_json, timeout, submission):
    """Grade exercise NUMBER; exits 0 when it earns full marks, 1 otherwise."""
    exercise_or_fail(number)
    sys.exit(0 if run_grading(path, {number}, seed, timeout, as_json, submission) else 1)


@main.command("all")
@path_option
@seed_option
@json_option
@timeout_option
@submission_option
def all_(path, seed, as_json, timeout, submission):
    """Grade every exercise and show the total; exits 0 only with full marks.

    With --submission (or on a .zip, or a folder keeping its files under exercises/ or one folder
    deeper) --path is graded as grade batch grades it: `grade all --path submissions/carol
    --submission --seed 20261` gives carol's batch score and writes nothing into her folder.
    """
    sys.exit(0 if run_grading(path, None, seed, timeout, as_json, submission) else 1)


@main.command()
@click.argument("number", type=int)
@click.option("--more", is_flag=True, help="Code-level help, after the idea.")
def hint(number, more):
    """A hint for exercise NUMBER: the idea first; --more gives code-level help."""
    e = exercise_or_fail(number)
    paragraph = lambda text: click.wrap_text(text, width=88, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    click.echo(f"Exercise {e.number}: {e.title} ({e.file})\n\n{paragraph(e.hint)}\n")
    if more:
        click.echo(f"In code:\n\n{paragraph(e.hint_more)}")
    else:
        click.echo(f"Still stuck? grade hint {e.number} --more gives code-level help.")


@main.command()
@path_option
def demo(path):
    """Train your own network (exercises 1 to 10) on the lecture's table and draw it on a page."""
    from .demo import DemoError, DemoInputError, run_demo

    try:
        result = run_demo(student_folder(path))
    except DemoInputError as e:
        raise GradeError(str(e))
    except DemoError as e:
        click.echo(f"grade demo: {e}", err=True)
        sys.exit(1)
    click.echo("\n".join(result.summary))


@main.command()
@click.argument("number", type=int, required=False)
@path_option
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between checks of the file.")
def watch(number, path, interval):
    """Re-grade the exercise you are working on whenever you save its file (Ctrl-C to stop).

    Without NUMBER it starts at the first exercise not done yet and moves on when it is done.
    """
    from .watch import watch_exercises

    if number is not None:
        exercise_or_fail(number)
    try:
        watch_exercises(student_folder(path), number, interval, echo=click.echo, clear=click.clear)
    except KeyboardInterrupt:
        click.echo("\nStopped watching.")


@main.command()
@click.option("--seeds", default="1,2,3", show_default=True, help="Comma-separated seeds to check under.")
def selfcheck(seeds):
    """Proves the course is sound: solutions earn full marks, stubs none, and files match the catalog."""
    from .selfcheck import run_selfcheck

    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise GradeError(f"--seeds: {seeds!r} is not a comma-separated list of integers")
    problems = run_selfcheck(seed_list, echo=click.echo)
    if problems:
        click.echo(f"\nselfcheck FAILED: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("\nselfcheck passed")


@main.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Where results, gradebook and report go.")
@click.option("--workers", type=int, default=None, help="Students graded in parallel (default: the number of CPUs).")
@timeout_option
@seed_option
@click.option("--force", is_flag=True, help="Grade every student again, even those with results already.")
@click.option("--no-progress", is_flag=True, help="No progress line on stderr (the summary is still printed).")
def batch(submissions, out, workers, timeout, seed, force, no_progress):
    """Grade a whole class: every folder or .zip in SUBMISSIONS is one student.

    Writes OUT/<student>/results.json, OUT/gradebook.csv and OUT/report.html. Running it again
    grades only students without results or whose files changed; --force grades everyone again.
    """
    from .batch import BatchError, run_batch
    from .engine import DEFAULT_TIMEOUT, INSTRUCTOR_SEED

    try:
        summary = run_batch(submissions, out, workers=workers, force=force, progress=not no_progress,
                            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                            seed=INSTRUCTOR_SEED if seed is None else seed)
    except BatchError as e:
        raise GradeError(str(e))
    click.echo(summary.text())
    if summary.interrupted:
        sys.exit(130)


class OneLineErrors(click.Command):
    """Usage errors (a missing --out, an unknown option, a value of the wrong type) as one
    `error: ...` line and exit status 2, like every other refusal of the command."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as e:
            raise GradeError(e.format_message())


@main.command(cls=OneLineErrors)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The zip file to write.")
@click.option("--visibility", default=None,
              help="When students see the hidden tests: after_due_date (default), after_published, hidden or visible.")
@click.option("--timeout", type=float, default=None, help="Seconds allowed per exercise (default: 5).")
def autograder(out, visibility, timeout):
    """Build the Gradescope autograder zip (setup.sh, run_autograder, the grader, the hidden tests).

    See docs/gradescope.md for uploading it and what students see.
    """
    from .engine import DEFAULT_TIMEOUT
    from .package.autograder import DEFAULT_VISIBILITY, BuildError, build_autograder

    try:
        built = build_autograder(out, DEFAULT_VISIBILITY if visibility is None else visibility,
                                 DEFAULT_TIMEOUT if timeout is None else timeout)
    except BuildError as e:
        raise GradeError(str(e))
    click.echo(built.text())


@main.command(cls=OneLineErrors)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="A new or empty folder for the kit.")
@click.option("--quiz", "quizzes", multiple=True, help="A quiz to include, for practice (repeatable; default: all).")
@click.option("--notebook", is_flag=True, help="Add day7.ipynb: the exercises as a notebook, a check(N) cell each.")
def release(out, quizzes, notebook):
    """Build the student kit: stubs, quizzes, the public tests as data; no reference, no solutions.

    `pip install OUT` gives students `grade` and `quiz`. See docs/teaching.md.
    """
    from .release import ReleaseError, build_kit

    try:
        built = build_kit(out, quizzes, notebook=notebook)
    except ReleaseError as e:
        raise GradeError(str(e))
    click.echo(built.text())


if __name__ == "__main__":
    main()
