from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(request, queryset, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
