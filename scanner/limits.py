"""Bounds that keep a hostile or accidental input from hanging or exhausting the scanner."""

# Real configs are kilobytes; bigger is generated data. A scan may set its own (--max-file-size),
# which travels in its Session, never here.
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 100
MAX_YAML_NODES = 200_000
