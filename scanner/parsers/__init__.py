"""Parsers: each turns one kind of file into located nodes, or raises its ParseError."""


class ParseError(Exception):
    """Text a parser cannot read, or that breaks a limit; carries the 1-based position, which
    the engine reports as a PG001 finding."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
