"""Data files, one per workbook template (see gcs_excel.spec)."""
