"""Tests of the site extractors."""
