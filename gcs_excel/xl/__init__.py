"""Thin xlwings adapters: the buttons inside the workbooks (the only place xlwings is
imported). Each adapter reads the caller's workbook, calls one core function, and writes
the result back; the logic stays in the pure core."""
