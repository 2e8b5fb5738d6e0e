"""Example mappings of `gcs fill` (TOML files, package data)."""
