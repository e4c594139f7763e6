"""Extract stage: everything that turns bytes from the web into records.

Fetching (`fetch`), feed parsing (`feeds`), URL canonicalisation (`urls`),
article extraction (`article`, with site extractors in `sites`) and statement
detection (`statements`). Nothing here imports Prefect or DuckDB, so the CLI,
the flows and the tests all call the same functions.
"""
