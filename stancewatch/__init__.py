"""stancewatch: the user-facing shell over the pipeline.

The command line (`cli`), configuration (`config`), the demo (`demo`), alert
emails (`alerts`) and the HTML report (`report`). The work itself lives in
the stage packages `extractors/` and `warehouse/`; `flows/` orchestrates them.
"""

__version__ = "0.1.0"
