"""The one exception type for bad input, so the CLI can turn every such problem into one line."""


class QuizError(Exception):
    """A problem with a quiz file, an answer, or a responses file that the user can fix.

    The message is a single line, complete enough to fix the problem without a traceback;
    the CLI prints it as `error: <message>` and exits with status 2.
    """
