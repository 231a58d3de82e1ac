"""Personal report links are credentials: their tokens never reach a log line."""

from __future__ import annotations

import logging

from fangkong.core.logredact import RedactTokens, redact_path


def test_token_paths_are_redacted_and_others_kept():
    assert redact_path("/r/AbC-12_x/") == "/r/…/"
    assert redact_path("/observation/f/AbC-12_x/") == "/observation/f/…/"
    assert redact_path("/people/12/") == "/people/12/"
    assert redact_path('"GET /f/tok123/ HTTP/1.1"') == '"GET /f/…/ HTTP/1.1"'


def test_the_filter_rewrites_django_request_records():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/r/secret-token/",),
                               None)
    RedactTokens().filter(record)
    assert "secret-token" not in record.getMessage()


def test_the_configured_console_handler_redacts():
    from django.conf import settings

    assert "redact_tokens" in settings.LOGGING["handlers"]["console"]["filters"]
