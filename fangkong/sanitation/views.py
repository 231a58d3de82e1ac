"""Pages of the sanitation app."""
