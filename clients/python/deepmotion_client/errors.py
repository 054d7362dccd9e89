"""The base of every error this project documents (client, engine and command lines alike).

Its message names the file, field or option and what is allowed, so a command line prints it
as one line and exits 2, and a program catches DeepMotionError rather than any ValueError.
Each concrete error also subclasses the built-in it refines (ValueError, RuntimeError).
"""


class DeepMotionError(Exception):
    """A problem with what the user gave: a file, a request, a model, an option."""


class UsageError(DeepMotionError, ValueError):
    """Command-line options that cannot be used together or are out of range."""
