"""Helpers shared by the tests: reading pages, a test-only job handler for the queue tests."""
