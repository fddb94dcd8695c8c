"""Shared home of the 12345 hotline: settings, database, read-model tables, domain types, reference data."""
