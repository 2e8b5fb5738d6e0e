"""The checks, one small module per family: identifiers, cells (types and Excel traps),
rows (rules across the fields of a row), tables (keys) and references (across files)."""
