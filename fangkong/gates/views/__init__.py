"""Gate pages: the guard's console (scan, vehicle, camera, visitors, incidents) and the roster."""

from fangkong.gates.views.console import console, duty, household_options, incident, scan, visitor
from fangkong.gates.views.roster import index, roster

__all__ = ["console", "duty", "household_options", "incident", "index", "roster", "scan", "visitor"]
