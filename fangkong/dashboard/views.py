"""Pages of the dashboard app."""
