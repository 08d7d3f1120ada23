"""The `quiz` command: thin click wrappers around the engine's plain functions.

`quiz NAME ...` takes a quiz; `quiz list`, `quiz grade`, `quiz export` (and `quiz take NAME`,
for a quiz whose name is also a command's) are subcommands. Every QuizError becomes one line
`error: ...` on stderr and exit status 2.
"""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

import click

from ..cli_errors import OneLineUsageErrors
from .answers import parse_answer_list
from .classgrade import grade_responses
from .gradebook import report_text, write_grades_csv
from .errors import QuizError
from .gift import to_gift
from .loader import load_quiz
from .locate import default_quizzes_dir, find_quiz, quiz_files
from .model import Quiz
from .moodle import to_moodle_xml
from .paths import display_path
from .responses import read_responses
from .session import run_given, run_interactive
from .shuffle import shuffled

EXPORTERS = {"gift": to_gift, "moodle-xml": to_moodle_xml}


class QuizGroup(OneLineUsageErrors, click.Group):
    """A group where a first word that is not a command is the NAME of a quiz to take; a bad
    command line (a wrong type, an unknown option, --seed without --shuffle) is one `error:` line."""

    def parse_args(self, ctx, args):
        # `quiz` alone: the help on stderr and status 2 with every click version (older ones exit 0)
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), err=True, color=ctx.color)
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-"):
            return "take", self.get_command(ctx, "take"), args
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QuizError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)


quizzes_option = click.option(
    "--quizzes", "quizzes_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of quiz files [default: ./quizzes if it exists, else the course's quizzes/].")


@click.group(name="quiz", cls=QuizGroup, subcommand_metavar="NAME [OPTIONS] | COMMAND [ARGS]...",
             context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Take, grade and export the course's quizzes.

    \b
    quiz NAME                        take quiz NAME interactively (e.g. quiz day7)
    quiz NAME --answers B,C,B,C,B    answer it all at once (multi-select: AC or A+C)
    quiz NAME --shuffle --seed 7     shuffled questions and options, reproducibly
    quiz NAME --json                 print the result as JSON

    NAME is a quiz's name (the file's stem in the quizzes folder) or the path of a quiz file.
    `quiz take NAME` is the same as `quiz NAME`, for a quiz named like a command.
    Exit status: 0 when the quiz was completed (whatever the score), 2 for a bad quiz file
    or bad answers, 1 when interrupted.
    """


@cli.command("take")
@click.argument("name")
@click.option("--answers", metavar="B,C,AC,...",
              help="All answers at once, comma-separated in the order shown; a multi-select as AC or A+C.")
@click.option("--shuffle", is_flag=True, help="Shuffle the questions and their options.")
@click.option("--seed", type=int, default=None, help="Seed for --shuffle, to get the same order again.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@quizzes_option
def take(name, answers, shuffle, seed, as_json, quizzes_dir):
    """Take quiz NAME (the same as `quiz NAME`)."""
    if seed is not None and not shuffle:
        raise click.UsageError("--seed only makes sense with --shuffle")
    quiz = _load(name, quizzes_dir)
    if shuffle:
        quiz = shuffled(quiz, seed if seed is not None else random.SystemRandom().randrange(1_000_000))
    if answers is not None:
        chosen = parse_answer_list(answers, quiz)
        say = (lambda text: None) if as_json else click.echo
        result = run_given(quiz, chosen, say)
    else:
        def ask(label: str) -> str:
            return click.prompt(label, default="", show_default=False, err=as_json)

        try:
            result = run_interactive(quiz, ask, lambda text: click.echo(text, err=as_json))
        except click.Abort:  # Ctrl-C, Ctrl-D or the end of piped input
            click.echo("\nStopped before the last question: nothing scored.", err=True)
            raise click.exceptions.Exit(1) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))


@cli.command("list")
@quizzes_option
def list_quizzes(quizzes_dir):
    """The quizzes: name, title and number of questions."""
    folder = quizzes_dir or default_quizzes_dir()
    paths = quiz_files(folder)
    if not paths:
        click.echo(f"No quizzes in {display_path(folder)}.")
        return
    rows, errors = [], []
    for path in paths:
        try:
            quiz = load_quiz(path)
            rows.append((quiz.name, str(len(quiz)), quiz.title))
        except QuizError as e:
            rows.append((path.stem, "-", "(invalid, see below)"))
            errors.append(str(e))
    width = max(len("NAME"), *(len(r[0]) for r in rows))
    click.echo(f"{'NAME':<{width}}  {'QUESTIONS':>9}  TITLE")
    for quiz_name, count, title in rows:
        click.echo(f"{quiz_name:<{width}}  {count:>9}  {title}")
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if errors:
        click.get_current_context().exit(2)


@cli.command("grade")
@click.argument("name")
@click.argument("responses", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default=None,
              help="Where to write the grades CSV [default: stdout, with the report on stderr].")
@quizzes_option
def grade(name, responses, out, quizzes_dir):
    """Grade a class: RESPONSES is a CSV with a header row, then one row per student:
    the name, then one answer per question in the quiz's order."""
    quiz = _load(name, quizzes_dir)
    header, rows = read_responses(responses)
    grades = grade_responses(quiz, header, rows)
    to_stdout = out is None or str(out) == "-"
    if to_stdout:
        table = io.StringIO()
        write_grades_csv(grades, table)
        click.echo(table.getvalue(), nl=False)
    else:
        try:
            with open(out, "w", encoding="utf-8", newline="") as f:
                write_grades_csv(grades, f)
        except OSError as e:
            raise QuizError(f"{display_path(out)}: cannot write the grades ({e.strerror})") from None
    click.echo(report_text(grades), err=to_stdout)
    if not to_stdout:
        click.echo(f"Grades written to {display_path(out)}.")


@cli.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORTERS)), default="gift", show_default=True,
              help="gift: GIFT text for Moodle and other LMSs; moodle-xml: Moodle XML.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default=None,
              help="File to write [default: stdout].")
@quizzes_option
def export(name, fmt, out, quizzes_dir):
    """Export quiz NAME for an LMS (Moodle imports both formats)."""
    text = EXPORTERS[fmt](_load(name, quizzes_dir))
    if out is None or str(out) == "-":
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise QuizError(f"{display_path(out)}: cannot write the export ({e.strerror})") from None
    click.echo(f"Wrote {display_path(out)}.", err=True)


def _load(name: str, quizzes_dir: Path | None) -> Quiz:
    return load_quiz(find_quiz(name, quizzes_dir or default_quizzes_dir()))


def main() -> None:
    cli(prog_name="quiz")
