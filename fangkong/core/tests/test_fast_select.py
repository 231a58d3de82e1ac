"""`FastSelect` writes the same options, choice and attributes as Django's own Select widget, escaped."""

import re

import pytest
from django import forms

from fangkong.core.forms import FastSelect

CHOICES = [("", "全部"), (1, "湛山<街道>"), (2, "Tom & \"Jerry\""), (30, "三十")]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(v, bool(sel), text) for v, sel, text in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)]


@pytest.mark.parametrize("value", [None, "", 2, "30", 99])
def test_it_renders_what_django_renders(value):
    ours = FastSelect(attrs={"aria-label": "社区"}, choices=CHOICES).render("community", value, {"id": "id_c"})
    django = forms.Select(attrs={"aria-label": "社区"}, choices=CHOICES).render("community", value, {"id": "id_c"})
    assert _options(ours) == _options(django)
    assert len(_options(ours)) == len(CHOICES)
    assert "&lt;街道&gt;" in ours and "Tom &amp; &quot;Jerry&quot;" in ours  # escaped, never raw
    assert ours.startswith('<select name="community"') and 'id="id_c"' in ours and 'aria-label="社区"' in ours
    assert sum(sel for _v, sel, _t in _options(ours)) == (0 if value == 99 else 1)  # none: the empty choice
