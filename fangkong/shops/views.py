"""Pages of the shops app."""
