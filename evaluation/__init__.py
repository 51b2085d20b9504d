"""Scorers, real-data evaluation and validation: tools, not imported by the pipeline at run time."""
