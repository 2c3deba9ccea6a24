"""Multi-platform snapshots (``gogate.snapshot.json``): what each platform's build rests on, measured
with the real go command, and the audit that compares a fresh measurement with the recorded one.

The submodules are imported where used: gathering runs Go, and the model alone is enough to read or
validate a snapshot.
"""
