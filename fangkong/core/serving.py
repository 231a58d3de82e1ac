"""gunicorn's access log, for less: the line `fangkong serve` always wrote, without the work behind it.

gunicorn's Logger.access() builds a dictionary of every request and response header and some twenty
other fields for whatever format is configured, then formats the one line we use: about 300,000
instructions a request, a tenth of a gate scan's (docs/performance.md). This logger writes the
same line — time, method, path, status, milliseconds — from the five values it holds.
No personal data: the path carries ids only, never the query string or a body, and the token of a
personal report link (/r/<token>/, /f/<token>/) is cut out (docs/operations.md).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from fangkong.core.logredact import redact_path

ACCESS_FORMAT = '%s "%s %s" %s %sms'  # [time] "METHOD /path" status 3ms


class AccessLogger(Logger):
    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        ms = request_time.seconds * 1000 + request_time.microseconds // 1000
        try:
            self.access_log.info(ACCESS_FORMAT, self.now(), environ.get("REQUEST_METHOD"),
                                 redact_path(environ.get("PATH_INFO") or ""), status, ms)
        except Exception:
            self.exception("access log")
