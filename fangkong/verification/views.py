"""Pages of the verification app."""
