"""The WSGI entry point loads the application whole and freezes it out of the garbage collector's full
collections, which otherwise walk every long-lived object of the worker and pause a request for ~90 ms."""

import subprocess
import sys
import tempfile


def test_the_wsgi_application_is_loaded_and_frozen():
    code = ("import gc, sys; import fangkong.wsgi; "
            "print(gc.get_freeze_count(), 'fangkong.observation.views.alerts' in sys.modules)")
    with tempfile.TemporaryDirectory() as data_dir:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"PATH": "/usr/bin:/bin", "FANGKONG_DATA_DIR": data_dir}).stdout.split()
    frozen, views_loaded = int(out[0]), out[1] == "True"
    assert views_loaded  # the views were imported before the freeze, not on the first request
    assert frozen > 50_000  # Django, the apps and their views: all out of the collector's walks
