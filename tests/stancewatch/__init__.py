"""Tests of the shell (stancewatch/): the report."""
