"""Bundled data: the sample brand catalogue of DOMAIN.md (regional prices differ) and the
dates of the Spring Festival (春节, the first day of the lunar year) 2004–2030."""
