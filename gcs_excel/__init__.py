"""gcs_excel: group-customer service work in Excel — templates, validation, quotas, reports."""

__version__ = "0.1.0"
