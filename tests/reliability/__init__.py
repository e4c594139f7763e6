"""The fault-injection suite."""
