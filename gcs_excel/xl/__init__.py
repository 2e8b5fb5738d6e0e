"""The buttons inside the workbooks (issue 8): the only place xlwings is imported.

book.py (the Book protocol), jobs.py (one function per button, each calling the core
function of its gcs command), memory.py (the test book), xlwings_book.py (classic
xlwings and xlwings Lite), entry.py (what RunPython calls), lite/main.py (the Lite
scripts). This package itself imports nothing: the workbooks' pre-check runs
`python -c "import gcs_excel.xl"` to learn whether gcs_excel is installed."""
