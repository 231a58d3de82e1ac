from django.test import RequestFactory

from fangkong.core.ratelimit import allow


def test_a_client_gets_its_budget_then_is_refused_and_others_are_not(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rf = RequestFactory()
    one, two = rf.post("/", REMOTE_ADDR="10.0.0.1"), rf.post("/", REMOTE_ADDR="10.0.0.2")
    assert [allow(one, "t", limit=3) for _ in range(4)] == [True, True, True, False]
    assert allow(two, "t", limit=3)
    assert allow(one, "other", limit=3)  # budgets are per purpose
