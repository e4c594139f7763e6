"""stancewatch: the user-facing shell over the pipeline, and the namespace's root package.

The command line (`cli`), the demo (`demo`), the HTML report (`report`) and
the replay of dated documents (`replay`). `stancewatch.flows` (folder `flows/`)
orchestrates the work, `stancewatch.domain` (`domain/`) holds the configuration
and the alerts, and `stancewatch.extractors` and `stancewatch.warehouse` do the
extraction and the storage (README, "Architecture").
"""

__version__ = "0.1.0"
