"""One hierarchy of errors, each able to say what went wrong and where."""

from __future__ import annotations


class WatchkeeperError(Exception):
    """Base of every error Watchkeeper reports to a user."""


class ListFormatError(WatchkeeperError):
    """A list file cannot be read completely; nothing from it is stored."""

    def __init__(self, path: str, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        location = f"{path}, {where}" if where else path
        super().__init__(f"{location}: {problem}")


class AisFileError(WatchkeeperError):
    """An AIS file that cannot be read as a whole (unknown layout, truncated, not text); nothing from
    it is kept. Single bad sentences or rows are not this: they are counted in the file's report."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ImportRejected(WatchkeeperError):
    """A well-formed file the store refuses to import as a new version."""


class AlreadyImported(ImportRejected):
    """The very same file (by SHA-256) is already a version of this source."""


class InvalidInput(WatchkeeperError, ValueError):
    """A value given by a user (a field, an option, a decision) that is not acceptable; the message
    says which and why. The HTTP service answers 400 with it; any other ValueError is a fault of
    ours, answered 500 with a reference and logged, never shown."""


class NotFound(WatchkeeperError):
    """An entity, source or version that the store does not hold."""


#: A command's exit status for each error it reports (the first class that matches); anything not
#: here is a fault of ours and ends the command with a traceback and status 1.
EXIT_STATUS: tuple[tuple[type[WatchkeeperError], int], ...] = (
    (ListFormatError, 2),
    (AisFileError, 2),
    (ImportRejected, 2),
    (InvalidInput, 2),
    (NotFound, 2),
    (WatchkeeperError, 1),
)


def exit_status(error: WatchkeeperError) -> int:
    return next(code for kind, code in EXIT_STATUS if isinstance(error, kind))
