import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

# Every module, URL pattern and view is loaded now rather than on the first request, then moved out of the
# garbage collector's sight: they live as long as the worker, and a full collection walking them took
# ~90 ms, the odd slow request of every list (docs/performance.md, "Pauses").
get_resolver().url_patterns  # noqa: B018 (imports every app's urls and views)
gc.freeze()
