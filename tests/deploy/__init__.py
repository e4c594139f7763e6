"""A real Prefect server, work pool and worker running the deployments."""
