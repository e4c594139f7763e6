"""The domain layer: what stancewatch means, independent of how a night is run.

Configuration and its validation (`config`), the rules that turn stance
records into shifts (`shifts`), and who is told about a shift and what the
email says (`alerts`). Flows call into it; it calls into `extractors` and
`warehouse` and never into `flows` or the user-facing shell.
"""
