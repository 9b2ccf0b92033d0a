"""Parsers: each turns one kind of file into located nodes, or raises its ParseError."""


class ParseError(Exception):
    """Text a parser cannot read, or that breaks a limit; carries the 1-based position, which
    the engine reports as a PG001 finding."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def read_included(abspath: str) -> str | None:
    """A file an include or import names, read from disk with the scan's limits: None when
    it is missing, too large, binary or not UTF-8."""
    from ..limits import DEFAULT_MAX_FILE_BYTES as limit  # a scan passes its own reader

    try:
        with open(abspath, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit or b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
