"""Pages of the notices app: notices and their posters and postings (office), channels and messages, and
the community's public home page (public.py)."""
