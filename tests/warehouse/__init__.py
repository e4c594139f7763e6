"""Tests of stancewatch.warehouse."""
