"""Real Prefect flow runs of stancewatch.flows."""
