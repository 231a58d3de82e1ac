"""Deployment hardening, as an attacker or a deployment check would find it: `check --deploy` with the
production settings, the proxy's https, no browser cache of personal data, the Content-Security-Policy,
the API schema behind a login, and a data dir only its owner can read."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from fangkong.observation.models import ReportLink
from fangkong.observation.returnees import link_issue
from tests.e2e.conftest import _no_csp_violations, browser, pw, staff_page  # noqa: F401 -- fixtures

ROOT = Path(__file__).resolve().parent.parent


def _python(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python …` with the project's settings, a fresh data dir and only the given settings."""
    # Not even the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE: the check would rightly refuse it in production.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FANGKONG_", "DATABASE_URL", "SECRET_KEY",
                                                                       "ALLOWED_HOSTS", "CSRF_", "DJANGO_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "fangkong.settings", "FANGKONG_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=clean,
                          cwd=ROOT, timeout=120, check=False)


CHECK_DEPLOY = ("-m", "django", "check", "--deploy", "--fail-level", "WARNING")
PRODUCTION = {"ALLOWED_HOSTS": "fk.example.org", "CSRF_TRUSTED_ORIGINS": "https://fk.example.org"}


@pytest.mark.parametrize("switch", ["FANGKONG_HTTPS", "FANGKONG_SECURE_COOKIES"])
def test_check_deploy_passes_without_a_warning_in_production(tmp_path, switch):
    done = _python(tmp_path, *CHECK_DEPLOY, env={**PRODUCTION, switch: "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr


def test_check_deploy_warns_without_https(tmp_path):
    # The same check does find something to say when the switch is off: the test above is not vacuous.
    done = _python(tmp_path, *CHECK_DEPLOY, env=PRODUCTION)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def _setting(tmp_path: Path, name: str, env: dict[str, str]) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    done = _python(tmp_path, "-c", code, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_https_trusts_the_proxys_forwarded_proto_by_default_and_can_be_told_not_to(tmp_path):
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", {"FANGKONG_HTTPS": "1"}) == \
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", {"FANGKONG_HTTPS": "1", "FANGKONG_PROXY_SSL_HEADER": "off"}) \
        == "None"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER",
                    {"FANGKONG_HTTPS": "1", "FANGKONG_PROXY_SSL_HEADER": "X-Scheme: https"}) == \
        "('HTTP_X_SCHEME', 'https')"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", {}) == "None"
    assert _setting(tmp_path, "FANGKONG_PROXY_HOPS", {"FANGKONG_HTTPS": "1"}) == "1"
    assert _setting(tmp_path, "SECURE_HSTS_SECONDS", {"FANGKONG_HTTPS": "1"}) == "31536000"


@pytest.fixture
def resident_link(personas, places, make_person):
    resident = make_person(places["grid1"], name="孙居民")
    return link_issue(actor=personas["office"], person=resident, kind=ReportLink.Kind.RESIDENT)


# What a TLS-terminating proxy sends on: the browser's Host, and the scheme it was asked with.
PROXIED = {"HTTP_HOST": "testserver", "HTTP_X_FORWARDED_PROTO": "https"}


def _link_url(page: str) -> str:
    return re.search(r'<p class="mono link-url">([^<]+)</p>', page).group(1)


def test_personal_links_behind_an_https_proxy_are_https(personas, resident_link, settings):
    link, token = resident_link
    office = Client(HTTP_ACCEPT_LANGUAGE="en")
    office.force_login(personas["office"])
    # The proxy terminates TLS and says so; without the setting the link came out as http://.
    settings.SECURE_PROXY_SSL_HEADER = None
    page = office.get(f"/observation/links/{link.pk}/", **PROXIED).content.decode()
    assert _link_url(page) == f"http://testserver/r/{token}/"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    page = office.get(f"/observation/links/{link.pk}/", **PROXIED).content.decode()
    assert _link_url(page) == f"https://testserver/r/{token}/"


# --- Cache-Control and Content-Security-Policy ------------------------------------------------------------


def test_answers_with_personal_data_are_not_stored_by_browsers_or_proxies(personas, resident_link, api_client):
    link, token = resident_link
    office = Client()
    office.force_login(personas["office"])
    answers = {
        "page": office.get("/people/"),
        "link page": office.get(f"/observation/links/{link.pk}/"),
        "api": api_client("office").get("/api/v1/people"),
        "public link": Client().get(f"/r/{token}/"),
        "login": Client().get("/accounts/login/"),
        "refused": Client().get("/api/v1/people"),
    }
    for name, response in answers.items():
        assert response.status_code in (200, 401), name
        assert "no-store" in response["Cache-Control"], name


def test_static_files_keep_their_caching(client):
    response = client.get("/static/fangkong/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


def _policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def test_every_page_has_the_content_security_policy(personas, api_client):
    office = Client()
    office.force_login(personas["office"])
    pages = (office.get("/people/"), Client().get("/accounts/login/"), office.get("/accounts/audit/?action=nope"),
             office.get("/api/v1/docs"), office.get("/no-such-page/"))
    for response in pages:
        assert response["Content-Type"].startswith("text/html")
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
        assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    # JSON runs nothing in a browser: the gate-scan path is spared the header.
    assert "Content-Security-Policy" not in api_client("office").get("/api/v1/people")


TEMPLATES = ROOT / "fangkong" / "templates"


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_an_inline_script_or_event_handler(template):
    # The policy refuses them: a page that had one would silently lose what it did.
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text), "inline script"
    assert "javascript:" not in text
    assert not re.search(r"<style\b|\sstyle\s*=", text), "inline style"


@pytest.mark.browser
def test_the_print_button_prints_under_the_policy(
    transactional_db, live_server, personas, resident_link,
    staff_page,  # noqa: F811 -- the fixture imported above
):
    link, _token = resident_link
    _, page = staff_page("office")
    page.goto(f"/observation/links/{link.pk}/")
    # (a statement list: Playwright would call an expression whose value is a function)
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; null")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.printed") == 1


def test_htmx_adds_no_style_element(client):
    page = client.get("/accounts/login/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false""" in page


# --- The API's schema and docs --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_api_schema_and_docs_need_a_token_or_a_session(personas, api_client, path):
    anonymous = Client().get(path)
    if path.endswith(".json"):
        assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert Client(HTTP_AUTHORIZATION="Bearer fk_wrong").get(path).status_code in (302, 401)
    assert api_client("guard").get(path).status_code == 200
    staff = Client()
    staff.force_login(personas["grid1"])
    assert staff.get(path).status_code == 200


def test_the_api_schema_is_public_when_configured(db, settings):
    settings.FANGKONG_PUBLIC_API_DOCS = True
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and "/api/v1/people" in response.json()["paths"]


@pytest.mark.browser
def test_the_api_docs_page_works_under_the_policy(
    transactional_db, live_server, personas,
    staff_page,  # noqa: F811 -- the fixture imported above
):
    from playwright.sync_api import expect

    _, page = staff_page("office")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_the_docs_page_loads_its_scripts_from_our_static_files(personas):
    staff = Client()
    staff.force_login(personas["grid1"])
    page = staff.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page


# --- The data dir ----------------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


WRITE_SOMETHING = """
import django; django.setup()
from pathlib import Path
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (x integer)")
    cursor.execute("INSERT INTO t VALUES (1)")
    # -wal and -shm exist while the connection is open
    db = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal", "-shm"):
        part = db.with_name(db.name + suffix)
        print(suffix or "db", oct(part.stat().st_mode & 0o777) if part.exists() else "missing")
"""


def test_data_dir_and_sqlite_files_are_private(tmp_path):
    env = {"FANGKONG_DATA_DIR": str(tmp_path / "data")}
    done = _python(tmp_path, "-c", WRITE_SOMETHING, env=env)
    assert done.returncode == 0, done.stderr
    modes = dict(line.split() for line in done.stdout.splitlines())
    assert modes == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600 and _mode(data / "data_key") == 0o600


def test_an_older_world_readable_database_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("fangkong.sqlite3", "fangkong.sqlite3-wal"):
        (data / name).touch()
        (data / name).chmod(0o644)
    done = _python(tmp_path, "-m", "django", "check", env={"FANGKONG_DATA_DIR": str(data)})
    assert done.returncode == 0, done.stderr
    assert _mode(data / "fangkong.sqlite3") == 0o600 and _mode(data / "fangkong.sqlite3-wal") == 0o600


def test_uploads_are_private():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600 and settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
