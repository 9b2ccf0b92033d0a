"""promguard's built-in rules, one module per family; each module lists its rules in RULES."""
