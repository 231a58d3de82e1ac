"""Pages of the ledgers app."""
