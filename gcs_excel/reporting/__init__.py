"""The monthly sales review per customer, the department sales report, and mailing them."""
