"""Observation pages, one module per concern: observations and their follow-ups (observations.py), alerts
(alerts.py), returnee reports (reports.py), personal report links (links.py), centralised sites
(sites.py), and the two public pages behind a personal link, without login (public.py).

Views are thin: they parse a form, read through selectors.py, call one service of services.py or
returnees.py and put its field errors back next to the field (422). Names and ID numbers are masked in
lists. Unknown, revoked and expired links all get the same 404 page.
"""
