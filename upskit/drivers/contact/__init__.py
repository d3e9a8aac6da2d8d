"""Dry-contact (genericups) driver."""
