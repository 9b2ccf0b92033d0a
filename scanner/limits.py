"""Bounds that keep a hostile or accidental input from hanging or exhausting the scanner."""

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024  # real configs are kilobytes; bigger is generated data
MAX_FILE_BYTES = DEFAULT_MAX_FILE_BYTES
MAX_YAML_DEPTH = 100
MAX_YAML_NODES = 200_000
