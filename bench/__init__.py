"""Benchmarks that print figures (BENCHMARKS.md). Not tests: CI runs only their small smoke test."""
