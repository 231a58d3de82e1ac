"""Residents' requests: receive, answer, handle, close (feed back) — each step with who, when and what."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core import crypto
from fangkong.core.errors import Conflict, FieldError, NotFound
from fangkong.core.identifiers import normalise_phone
from fangkong.core.models import protect
from fangkong.helpdesk.errors import HelpdeskCode
from fangkong.helpdesk.models import Request
from fangkong.policy.selectors import policy_value
from fangkong.registry.models import Community

TEXT_MIN, TEXT_MAX = 5, 1000


def _clean_text(value: str, *, field: str = "text", minimum: int = TEXT_MIN) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not minimum <= len(text) <= TEXT_MAX:
        raise FieldError(field, HelpdeskCode.TEXT_LENGTH,
                         _("Write between %(lo)d and %(hi)d characters") % {"lo": minimum, "hi": TEXT_MAX})
    return text


def _hhmm(value) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def answer_due(*, community: Community, received_at: datetime) -> datetime:
    """The first answer's deadline: the day target between request_day_starts and request_night_starts
    (local time), the night target otherwise; from the policy in force on the day of receipt."""
    local = timezone.localtime(received_at)
    on = local.date()
    day_starts = _hhmm(policy_value(community=community, key="request_day_starts", on=on))
    night_starts = _hhmm(policy_value(community=community, key="request_night_starts", on=on))
    now_t = local.time()
    if day_starts <= night_starts:
        by_day = day_starts <= now_t < night_starts
    else:  # a day that runs past midnight
        by_day = now_t >= day_starts or now_t < night_starts
    key = "request_answer_day_minutes" if by_day else "request_answer_night_minutes"
    return received_at + timedelta(minutes=int(policy_value(community=community, key=key, on=on)))


def token_hash(token: str) -> str:
    return crypto.blind_index("link", token)


def _create(*, community: Community, channel: str, kind: str, text: str, contact: str,
            actor: User | None, received_at: datetime | None) -> tuple[Request, str]:
    if channel not in Request.Channel.values:
        raise FieldError("channel", HelpdeskCode.INVALID_CHOICE, _("Unknown channel"))
    if kind not in Request.Kind.values:
        raise FieldError("kind", HelpdeskCode.INVALID_CHOICE, _("Unknown kind of request"))
    text = _clean_text(text)
    phone = normalise_phone(contact) if (contact or "").strip() else ""
    now = timezone.now()
    at = min(received_at, now) if received_at else now
    req = Request(community=community, channel=channel, kind=kind, text=text, received_at=at,
                  received_by=actor, answer_due_at=answer_due(community=community, received_at=at))
    if phone:
        try:
            req.phone_encrypted, _index, req.phone_masked = protect("phone", phone, Request, req.row_key)
        except FieldError as exc:  # pragma: no cover - normalise_phone already checked it
            raise FieldError("contact", exc.code or "", str(exc)) from exc
    token = ""
    if channel == Request.Channel.PUBLIC:
        token = secrets.token_urlsafe(24)
        req.token_hash = token_hash(token)
    req.save()
    return req, token


def request_receive(*, actor: User, community: Community, channel: str, text: str, kind: str = "request",
                    contact: str = "", received_at: datetime | None = None) -> Request:
    """The office logs a request received by phone, chat or in person (or on a resident's behalf)."""
    require(actor, Perm.HANDLE_REQUESTS)
    if not scope_of(actor).covers_community(community.pk):
        raise NotFound(_("No such community in your scope"))
    try:
        phone_ok = normalise_phone(contact) if (contact or "").strip() else ""
    except FieldError as exc:
        raise FieldError("contact", exc.code or "phone_format", str(exc)) from exc
    with transaction.atomic():
        req, _token = _create(community=community, channel=channel, kind=kind, text=text, contact=phone_ok,
                              actor=actor, received_at=received_at)
        audit_record(actor=actor, action="create", object_type="request", object_id=req.pk,
                     community_id=community.pk)
    return req


def request_file_public(*, community: Community, text: str, kind: str = "request",
                        contact: str = "") -> tuple[Request, str]:
    """A resident files a request on the community's public page (no login). Returns the follow token,
    shown once: only its keyed hash is stored."""
    with transaction.atomic():
        return _create(community=community, channel=Request.Channel.PUBLIC, kind=kind, text=text,
                       contact=contact, actor=None, received_at=None)


def _locked(*, actor: User, pk: int) -> Request:
    require(actor, Perm.HANDLE_REQUESTS)
    req = Request.objects.for_scope(scope_of(actor)).select_for_update().filter(pk=pk).first()
    if req is None:
        raise NotFound(_("No such request in your scope"))
    return req


@transaction.atomic
def request_answer(*, actor: User, pk: int, text: str) -> Request:
    """The first answer to the resident (第一时间回复). Answering again only updates the text."""
    text = _clean_text(text, minimum=1)
    req = _locked(actor=actor, pk=pk)
    if req.status == Request.Status.CLOSED:
        raise Conflict(_("The request is already closed"), code=HelpdeskCode.WRONG_STEP)
    req.answer_text = text
    if req.answered_at is None:
        req.answered_at, req.answered_by, req.status = timezone.now(), actor, Request.Status.ANSWERED
    req.save(update_fields=["answer_text", "answered_at", "answered_by", "status"])
    audit_record(actor=actor, action="update", object_type="request", object_id=req.pk, community_id=req.community_id,
                 fields=["answered_at", "answer_text"])
    return req


@transaction.atomic
def request_handle(*, actor: User, pk: int, text: str) -> Request:
    """What was done about it (第一时间处置). An unanswered request counts as answered by this step."""
    text = _clean_text(text, minimum=1)
    req = _locked(actor=actor, pk=pk)
    if req.status == Request.Status.CLOSED:
        raise Conflict(_("The request is already closed"), code=HelpdeskCode.WRONG_STEP)
    now = timezone.now()
    if req.answered_at is None:
        req.answered_at, req.answered_by, req.answer_text = now, actor, text
    req.handled_at, req.handled_by, req.handled_text, req.status = now, actor, text, Request.Status.HANDLED
    req.save()
    audit_record(actor=actor, action="update", object_type="request", object_id=req.pk, community_id=req.community_id,
                 fields=["handled_at", "handled_text"])
    return req


@transaction.atomic
def request_close(*, actor: User, pk: int, outcome: str) -> Request:
    """The outcome fed back to the resident (第一时间反馈); the request is closed."""
    outcome = _clean_text(outcome, field="outcome", minimum=1)
    req = _locked(actor=actor, pk=pk)
    if req.status == Request.Status.CLOSED:
        raise Conflict(_("The request is already closed"), code=HelpdeskCode.WRONG_STEP)
    now = timezone.now()
    if req.answered_at is None:
        req.answered_at, req.answered_by, req.answer_text = now, actor, outcome
    if req.handled_at is None:
        req.handled_at, req.handled_by = now, actor
    req.closed_at, req.closed_by, req.outcome, req.status = now, actor, outcome, Request.Status.CLOSED
    req.save()
    audit_record(actor=actor, action="update", object_type="request", object_id=req.pk, community_id=req.community_id,
                 fields=["closed_at", "outcome"])
    return req
