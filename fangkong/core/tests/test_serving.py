"""The cheap access logger writes the line gunicorn's own logger wrote with `fangkong serve`'s old format."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from fangkong.core.serving import AccessLogger

OLD_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'


def logged_line(logger_class, tmp_path, name: str, path: str = "/api/v1/scans", **cfg) -> str:
    config = Config()
    config.set("accesslog", str(tmp_path / name))
    for key, value in cfg.items():
        config.set(key, value)
    logger = logger_class(config)
    logger.now = lambda: "[29/Nov/2026:16:10:00 +0800]"  # the same clock for both
    resp = SimpleNamespace(status="200 OK", headers=[("Content-Type", "application/json")], sent=321)
    req = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer secret")])
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "id=110105194912310021",
               "RAW_URI": "/api/v1/scans?id=110105194912310021", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1"}
    logger.access(resp, req, environ, timedelta(milliseconds=3, microseconds=400))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / name).read_text()


def test_same_line_as_gunicorn_with_the_old_format(tmp_path):
    ours = logged_line(AccessLogger, tmp_path, "ours.log")
    theirs = logged_line(Logger, tmp_path, "theirs.log", access_log_format=OLD_FORMAT)
    assert ours == theirs == '[29/Nov/2026:16:10:00 +0800] "POST /api/v1/scans" 200 3ms\n'
    assert "secret" not in ours and "110105" not in ours  # no token, no query string


def test_no_access_log_configured_writes_nothing(tmp_path):
    logger = AccessLogger(Config())
    logger.access(SimpleNamespace(status="200 OK"), None, {}, timedelta(0))  # no error, nothing to write
    assert not logger.access_log_enabled


def test_report_link_tokens_never_reach_the_access_log(tmp_path):
    line = logged_line(AccessLogger, tmp_path, "ours.log", path="/f/s3cret-T0ken/")
    assert "s3cret" not in line and '"POST /f/…/" 200' in line

