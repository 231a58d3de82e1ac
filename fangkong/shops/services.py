"""Writes of the shops app: profiles and staff, inspections (raising price alerts), alert handling,
service (blue) passes for the staff of service merchants through the pass machinery."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.errors import Code, FieldError, NotFound, ValidationErrors
from fangkong.core.models import protect
from fangkong.passes.models import Pass
from fangkong.passes.services import pass_issue
from fangkong.policy.selectors import policy_value
from fangkong.registry.models import Merchant, Person
from fangkong.shops.errors import ShopsCode
from fangkong.shops.models import SERVICE_CATEGORIES, Inspection, ItemPrice, MerchantProfile, MerchantStaff, PriceAlert
from fangkong.shops.selectors import baseline_price, category_of

MAX_PRICE = Decimal("9999999.99")


def _check_merchant(actor: User, merchant: Merchant) -> None:
    require(actor, Perm.MANAGE_SHOPS)
    if not scope_of(actor).covers_community(merchant.community_id):
        raise NotFound(_("No such merchant in your scope"))


@transaction.atomic
def merchant_profile_save(*, actor: User, merchant: Merchant, category: str, owner_name: str = "",
                          owner_phone: str = "", opening: str = MerchantProfile.Opening.OPEN,
                          note: str = "") -> MerchantProfile:
    _check_merchant(actor, merchant)
    profile = MerchantProfile.objects.filter(merchant=merchant).first() or MerchantProfile(merchant=merchant)
    profile.category, profile.owner_name, profile.opening, profile.note = category, owner_name[:64], opening, note[:200]
    if owner_phone:
        profile.phone_encrypted, _hash, profile.phone_masked = protect("phone", owner_phone, MerchantProfile,
                                                                       profile.row_key)
    profile.full_clean(exclude=["merchant"])
    profile.save()
    audit_record(actor=actor, action="update", object_type="merchant_profile", object_id=profile.pk,
                 community_id=merchant.community_id, fields=["category", "owner_name", "opening", "note"])
    return profile


@transaction.atomic
def merchant_staff_add(*, actor: User, merchant: Merchant, person: Person, role: str = "") -> MerchantStaff:
    _check_merchant(actor, merchant)
    if person.community_id != merchant.community_id:
        raise FieldError("person", Code.INVALID, _("The person is not registered in the merchant's community"))
    staff, _created = MerchantStaff.objects.update_or_create(merchant=merchant, person=person,
                                                             defaults={"role": role[:32]})
    audit_record(actor=actor, action="create", object_type="merchant_staff", object_id=staff.pk,
                 community_id=merchant.community_id)
    return staff


def staff_pass_issue(*, actor: User, staff: MerchantStaff, valid_from: date, valid_until: date) -> Pass:
    """A service (blue) pass for a staff member of a water supplier or another service merchant."""
    _check_merchant(actor, staff.merchant)
    if category_of(staff.merchant) not in SERVICE_CATEGORIES:
        raise FieldError("merchant", ShopsCode.NOT_SERVICE,
                         _("Only the staff of water suppliers and other service merchants get service passes"))
    return pass_issue(actor=actor, person=staff.person, kind=Pass.Kind.SERVICE, valid_from=valid_from,
                      valid_until=valid_until)


def _clean_prices(prices: Iterable[dict]) -> list[tuple[str, str, Decimal]]:
    rows, errors = [], []
    for i, p in enumerate(prices):
        item, unit = str(p.get("item") or "").strip()[:32], str(p.get("unit") or "").strip()[:16]
        try:
            price = Decimal(str(p.get("price")))
            ok = price.is_finite() and Decimal(0) < price <= MAX_PRICE
        except (InvalidOperation, ValueError):
            ok = False
        if not item or not unit:
            errors.append(FieldError(f"prices[{i}]", Code.REQUIRED, _("Give the item and its unit")))
        elif not ok:
            errors.append(FieldError(f"prices[{i}].price", ShopsCode.BAD_PRICE,
                                     _("A price is a positive amount of at most 9999999.99")))
        else:
            rows.append((item, unit, price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))
    if errors:
        raise ValidationErrors(errors)
    return rows


def rise_percent(baseline: Decimal, price: Decimal) -> Decimal:
    return ((price - baseline) * 100 / baseline).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@transaction.atomic
def inspection_record(*, actor: User, merchant: Merchant, prices: Iterable[dict], day: date | None = None,
                      inspectors: Iterable[User] = (), stock: str = Inspection.Stock.ENOUGH,
                      hygiene_ok: bool = True, protection_ok: bool = True, findings: str = "",
                      ) -> tuple[Inspection, list[PriceAlert]]:
    """Record an inspection and its prices; a price above its baseline by MORE than the policy's
    price_alert_percent opens a price alert (exactly at the threshold: none)."""
    _check_merchant(actor, merchant)
    rows = _clean_prices(prices)
    day = day or timezone.localdate()
    if stock not in Inspection.Stock.values:
        raise FieldError("stock", Code.INVALID_CHOICE, _("Choose a stock level"))
    insp = Inspection.objects.create(community_id=merchant.community_id, merchant=merchant, day=day, stock=stock,
                                     hygiene_ok=hygiene_ok, protection_ok=protection_ok,
                                     findings=(findings or "")[:2000], created_by=actor)
    insp.inspectors.set(list(inspectors) or [actor])
    limit = Decimal(str(policy_value(community=merchant.community, key="price_alert_percent")))
    alerts = []
    for item, unit, price in rows:
        row = ItemPrice.objects.create(inspection=insp, merchant=merchant, day=day, item=item, unit=unit, price=price)
        base = baseline_price(merchant=merchant, item=item, unit=unit, before_price_id=row.pk)
        if base and price * 100 > base * (100 + limit):
            alerts.append(PriceAlert.objects.create(
                community_id=merchant.community_id, merchant=merchant, price=row, item=item, unit=unit,
                baseline=base, observed=price, percent=rise_percent(base, price)))
    audit_record(actor=actor, action="create", object_type="inspection", object_id=insp.pk,
                 community_id=merchant.community_id)
    return insp, alerts


def _alert_locked(actor: User, alert: PriceAlert) -> PriceAlert:
    require(actor, Perm.MANAGE_SHOPS)
    alert = PriceAlert.objects.select_for_update().get(pk=alert.pk)
    if not scope_of(actor).covers_community(alert.community_id):
        raise NotFound(_("No such alert in your scope"))
    return alert


@transaction.atomic
def price_alert_acknowledge(*, actor: User, alert: PriceAlert) -> PriceAlert:
    alert = _alert_locked(actor, alert)
    if alert.status == PriceAlert.Status.OPEN:
        alert.status, alert.acknowledged_by, alert.acknowledged_at = (PriceAlert.Status.ACKNOWLEDGED, actor,
                                                                      timezone.now())
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="update", object_type="price_alert", object_id=alert.pk,
                     community_id=alert.community_id, fields=["status"])
    return alert


@transaction.atomic
def price_alert_close(*, actor: User, alert: PriceAlert, action: str) -> PriceAlert:
    alert = _alert_locked(actor, alert)
    action = (action or "").strip()
    if not action:
        raise FieldError("action", Code.REQUIRED, _("Say what was done"))
    if alert.status == PriceAlert.Status.CLOSED:
        raise FieldError("status", ShopsCode.ALREADY_CLOSED, _("The alert is already closed"))
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, now
    alert.status, alert.closed_by, alert.closed_at, alert.action = PriceAlert.Status.CLOSED, actor, now, action[:200]
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "closed_by", "closed_at", "action"])
    audit_record(actor=actor, action="update", object_type="price_alert", object_id=alert.pk,
                 community_id=alert.community_id, fields=["status", "action"])
    return alert
