"""Bundled data: the sample brand catalogue of DOMAIN.md (regional prices differ)."""
