"""One form for every refusal of a bad command line: `error: ...` on one line, exit status 2.

click prints its own usage block (three lines and a help hint) for a value of the wrong type, an
unknown option or command, a missing argument, and for a click.UsageError raised in a command.
`OneLineUsageErrors` is mixed into the `grade` and `quiz` groups and turns each of those into the
project's one line, wherever it is raised: the group's own options, the command's name, the
command's arguments and options, and the command's body. Only the bare group (`grade` alone), which
shows its help, keeps click's form.
"""
import re

import click

# click >= 8.2 raises this for a group called with no arguments: it shows the help, as it should
_HELP = tuple(c for c in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if c is not None)


class OneLineError(click.ClickException):
    """`error: <message>` on stderr and exit status 2."""
    exit_code = 2

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True)


def one_line_message(error):
    """The sentence of a click.UsageError as the project writes its errors:
    "invalid value for 'NUMBER': 'five' is not a valid integer"."""
    message = error.format_message().strip().rstrip(".")
    if isinstance(error, click.NoSuchOption) and re.fullmatch(r"-\d+(\.\d+)?", error.option_name or ""):
        return f"{error.option_name} is not an option, and no argument here takes a negative number"
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]
    return message


class OneLineUsageErrors:
    """Mixin for a click.Group (before it in the bases): every usage error as one line, exit 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            if isinstance(e, _HELP):
                raise
            raise OneLineError(one_line_message(e)) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            if isinstance(e, _HELP):
                raise
            raise OneLineError(one_line_message(e)) from None
