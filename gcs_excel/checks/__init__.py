"""The checks, one small module per family: identifiers (the named checks of
specs/checks.toml), cells (types and Excel traps), structure (sheets and headers), rows
(rules across the fields of a row), tables (keys) and references (across files)."""
