"""Reads of the shops app, shared by the pages and the API (scoped: outside the scope → NotFound)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fangkong.accounts.scope import scope_of
from fangkong.core.errors import NotFound
from fangkong.policy.selectors import policy_value
from fangkong.registry.models import Merchant
from fangkong.shops.models import Category, ItemPrice, MerchantProfile, PriceAlert


def _scoped(qs: QuerySet, actor) -> QuerySet:
    scope = scope_of(actor)
    return qs if scope.is_all else qs.filter(community_id__in=scope.visible_community_ids)


def category_of(merchant: Merchant) -> str:
    """The shops-level category: the profile's if there is one, else the registry kind."""
    try:
        return merchant.profile.category
    except MerchantProfile.DoesNotExist:
        return merchant.kind


def merchant_list(*, actor, category: str = "") -> QuerySet[Merchant]:
    qs = _scoped(Merchant.objects.all(), actor).select_related("profile", "community")
    if category:
        # A profile's category wins; merchants without a profile fall back to the registry kind.
        qs = qs.filter(profile__category=category) | qs.filter(profile__isnull=True, kind=category)
    return qs.order_by("community_id", "kind", "name")


def merchant_get(*, actor, merchant_id: int) -> Merchant:
    m = Merchant.objects.select_related("community").filter(pk=merchant_id).first()
    if m is None or not scope_of(actor).covers_community(m.community_id):
        raise NotFound(_("No such merchant in your scope"))
    return m


def baseline_price(*, merchant: Merchant, item: str, unit: str, before_price_id: int | None = None) -> Decimal | None:
    """The baseline of an item at a merchant: the latest price on or before the policy's
    price_baseline_date, or (no date set / no price by then) the first price ever recorded."""
    qs = ItemPrice.objects.filter(merchant=merchant, item=item, unit=unit)
    if before_price_id is not None:
        qs = qs.exclude(pk=before_price_id)
    raw = policy_value(community=merchant.community, key="price_baseline_date")
    if raw:
        on = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        row = qs.filter(day__lte=on).order_by("-day", "-id").first()
        if row is not None:
            return row.price
    row = qs.order_by("day", "id").first()
    return row.price if row else None


def price_history(*, merchant: Merchant) -> dict[str, list[dict]]:
    """{"item (unit)": [{day, price}]} in date order — the chart and the table read the same rows."""
    out: dict[str, list[dict]] = {}
    for item, unit, day, price in (ItemPrice.objects.filter(merchant=merchant).order_by("item", "unit", "day", "id")
                                   .values_list("item", "unit", "day", "price")[:2000]):
        out.setdefault(f"{item} ({unit})", []).append({"day": day.isoformat(), "price": str(price)})
    return out


def price_alert_list(*, actor, statuses: Iterable[str] = ()) -> QuerySet[PriceAlert]:
    qs = _scoped(PriceAlert.objects.all(), actor).select_related("merchant")
    statuses = list(statuses)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs


def price_alerts_open(*, community_ids: Iterable[int]) -> int:
    """Open price alerts (not yet acknowledged) of these communities — for the dashboard."""
    return PriceAlert.objects.filter(community_id__in=list(community_ids), status=PriceAlert.Status.OPEN).count()


__all__ = ["Category", "baseline_price", "category_of", "merchant_get", "merchant_list", "price_alert_list",
           "price_alerts_open", "price_history"]
