"""Pages of the helpdesk app."""
