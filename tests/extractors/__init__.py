"""Tests of stancewatch.extractors."""
