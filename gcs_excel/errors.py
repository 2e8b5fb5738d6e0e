"""Exceptions for what stops the work. Problems in the data are never exceptions
(see problems.py); these reach the user as one line at the CLI boundary."""


class GcsError(Exception):
    """Base of every error gcs_excel raises on purpose."""


class SpecError(GcsError):
    """A spec file is malformed."""


class ReadError(GcsError):
    """A file could not be read as a workbook or CSV (message says why)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}：{reason}")


class WriteError(GcsError):
    """An output could not be written: held open in Excel, one of the inputs, or refused
    by the system (no permission, read-only, disk full, name too long); the message says
    which in Chinese (writing.write_reason)."""


class ConfigError(GcsError):
    """A configuration or command-line value is invalid."""


class Refused(GcsError):
    """A step refused on purpose (an application not approved, a customer already on
    file): the message says why, and nothing was written."""
