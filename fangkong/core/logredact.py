"""Keep credentials out of logs: a personal report link's token sits in its path (/r/<token>/,
/f/<token>/), and Django's request logger and the access log both write paths."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"(/(?:observation/)?[rf]/)[^/\s?\"]+")


def redact_path(path: str) -> str:
    return _TOKEN_PATH.sub(r"\1…", path)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True
