"""promguard: a static security scanner for Prometheus monitoring stacks."""

__version__ = "0.1.0"
