"""Models of the shops app."""
