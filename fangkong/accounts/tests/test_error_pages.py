"""Error pages in the user's language that say what to do next, never a bare code as the main text; the
street office opening the community's lists of people is told where its figures are."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

BARE = ("forbidden", "not_found")


def _main(html: str) -> dict[str, str]:
    section = html.split('id="error"', 1)[1].split("</section>", 1)[0]

    def text(pattern):
        m = re.search(pattern, section, re.S)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).strip() if m else ""

    return {"title": text(r"<h1>(.*?)</h1>"), "message": text(r'id="error-message">(.*?)</p>'),
            "steps": text(r'id="error-steps">(.*?)</ul>'), "figures": text(r'id="error-figures">(.*?)</ul>'),
            "links": " ".join(re.findall(r'href="([^"]+)"', section))}


def test_403_says_whom_to_ask_and_where_to_go(login):
    r = login("guard").get("/people/", HTTP_REFERER="http://testserver/gate/")
    assert r.status_code == 403
    page = _main(r.content.decode())
    assert page["title"] == "Your role cannot open this page"
    assert page["message"] == "Your role does not allow this"
    assert "ask your community leader" in page["steps"]
    assert "/gate/" in page["links"] and 'href="/"' in r.content.decode().split('id="error-steps"')[1]
    assert "/accounts/login/?next=/people/" in page["links"]
    assert not any(code in page["title"] + page["message"] for code in BARE)
    section = r.content.decode().split('id="error"', 1)[1].split(">", 1)[1].split("</section>", 1)[0]
    shown = re.sub(r"<[^>]+>", " ", section)
    assert not any(code in shown for code in BARE)  # the code stays in data-code, for support, not on screen


def test_404_of_a_record_and_of_an_address(login, places):
    for path in ("/people/999999/", "/no-such-page/"):
        r = login("grid1").get(path)
        assert r.status_code == 404
        page = _main(r.content.decode())
        assert page["title"] == "This page or record is not here" and "not_found" not in page["title"] + page["message"]
        assert "Go to the home page" in page["steps"]


def test_an_anonymous_visitor_is_offered_to_sign_in(anonymous, db):
    r = anonymous().get("/no-such-page/")
    assert r.status_code == 404 and "/accounts/login/?next=/no-such-page/" in _main(r.content.decode())["links"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_error_pages_speak_the_users_language(login, places, language):
    r = login("guard", language=language).get("/people/")
    html = r.content.decode()
    assert f'<html lang="{language}">' in html and r.headers["Content-Language"] == language
    with translation.override(language):
        assert _main(html)["title"] == gettext("Your role cannot open this page")
        assert gettext("Log out") in html  # the page around it too
    if language == "zh-hans":
        assert "退出" in html or "登出" in html or "注销" in html


@pytest.mark.parametrize("path", ["/observation/", "/observation/alerts/", "/observation/returnees/"])
def test_the_street_office_is_told_where_its_figures_are(login, places, path):
    r = login("street").get(path)
    assert r.status_code == 403
    page = _main(r.content.decode())
    assert "stay with the community" in page["message"]
    assert "/screening/" in page["links"] and "coverage" in page["figures"]
    assert "/observation/" not in page["figures"]
    # Another role without the list (a guard) is not told about the street's figures.
    guard = _main(login("guard").get(path).content.decode())
    assert guard["figures"] == "" and "stay with the community" not in guard["message"]


def test_a_stale_form_says_to_sign_in_again(anonymous, personas):
    c = anonymous()
    c.force_login(personas["leader"])
    r = c.post("/policy/C1/", {"key": "observation_days"})  # no CSRF token: as after the session ended
    assert r.status_code == 403
    assert "gone stale" in _main(r.content.decode())["message"]


def test_a_server_error_page_says_what_to_do_and_survives_a_broken_page(rf, personas, monkeypatch):
    from fangkong.accounts import error_pages

    request = rf.get("/people/")
    request.user = personas["office"]
    r = error_pages.server_error(request)
    html = r.content.decode()
    assert r.status_code == 500 and "Something went wrong on our side" in html and "Try again in a minute" in html

    def broken(*args, **kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr(error_pages, "render", broken)
    r = error_pages.server_error(request)
    assert r.status_code == 500 and "Try again in a minute" in r.content.decode()


def test_a_refusal_with_another_status_keeps_it_and_says_what_to_do(rf, personas):
    from fangkong.core.errors import Conflict
    from fangkong.core.middleware import DomainErrorMiddleware

    request = rf.get("/people/")
    request.user = personas["office"]
    r = DomainErrorMiddleware(lambda req: None).process_exception(request, Conflict("这张通行证已注销"))
    page = _main(r.content.decode())
    assert r.status_code == 409 and page["message"] == "这张通行证已注销"
    assert page["title"] == "This cannot be done as things stand" and "Go to the home page" in page["steps"]
