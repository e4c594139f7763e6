"""Tests of stancewatch.domain: configuration and alerts."""
