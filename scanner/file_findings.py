"""The findings the engine makes about a file itself rather than its settings: their IDs and
severities, which the engine needs while it reads files. Their documentation is with the
built-in rules (rules/core.py), which take both from here."""

PARSE_ERROR = "PG001"
DUPLICATE_KEY = "PG002"
BAD_SUPPRESSION = "PG003"
TOO_LARGE = "PG004"
SEVERITY = {
    PARSE_ERROR: "high",
    DUPLICATE_KEY: "medium",
    BAD_SUPPRESSION: "low",
    TOO_LARGE: "medium",
}
# Reported even when --select leaves them out: a file that could not be read must never pass
# as a file with nothing wrong in it.
ALWAYS_ON = (PARSE_ERROR, TOO_LARGE)
