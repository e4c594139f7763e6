"""The test suite, one package: helpers are imported as `from tests.<package>.<module> import name`
(shared ones from `tests.support`), never through conftest.py or sys.path."""
