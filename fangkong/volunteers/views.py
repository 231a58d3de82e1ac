"""Pages of the volunteers app."""
