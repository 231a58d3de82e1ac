"""Models of the sanitation app."""
