"""The one exception the stack raises for problems a person has to fix."""


class StackError(Exception):
    """A server could not be started or stopped.

    The message is a single line naming the cause and what to do about it, because the CLI prints
    it as-is instead of a stack trace.
    """
