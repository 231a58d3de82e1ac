"""Office pages: notices (write, publish, poster, postings), channels, messages to residents."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.access import Within, page
from fangkong.accounts.roles import Perm
from fangkong.core.dates import local_today
from fangkong.core.errors import DomainError
from fangkong.notices import selectors, services
from fangkong.notices.forms import ChannelForm, MessageForm, NoticeForm, PostingForm
from fangkong.notices.poster import notice_poster_pdf
from fangkong.registry.selectors import community_list


def _put_errors(form, exc: DomainError) -> None:
    if not exc.field_errors:
        raise exc
    for e in exc.field_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


@page(Perm.MANAGE_NOTICES)
def notice_list(request):
    communities = community_list(actor=request.user)
    form = NoticeForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        notice = services.notice_save(actor=request.user, community=d["community"], kind=d["kind"],
                                      title=d["title"], body=d["body"])
        return redirect("notices:notice", pk=notice.pk)
    return render(request, "notices/notice_list.html", {
        "notices": selectors.notice_list(actor=request.user), "form": form,
    }, status=422 if form.errors else 200)


def public_notice_url(request, notice) -> str:
    return request.build_absolute_uri(reverse("notices_public:notice", args=[notice.community.code, notice.pk]))


@page(Perm.MANAGE_NOTICES, within=Within.COMMUNITY)
def notice_detail(request, pk: int):
    notice = selectors.notice_get(actor=request.user, pk=pk)
    communities = community_list(actor=request.user).filter(pk=notice.community_id)
    form = NoticeForm(None, communities=communities, initial={
        "community": notice.community, "kind": notice.kind, "title": notice.title, "body": notice.body})
    posting = PostingForm(None, initial={"posted_by": request.user.get_full_name() or request.user.username})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("publish", "withdraw"):
            services.notice_publish(actor=request.user, notice=notice, published=action == "publish")
            return redirect("notices:notice", pk=notice.pk)
        if action == "posting":
            posting = PostingForm(request.POST)
            if posting.is_valid():
                services.posting_record(actor=request.user, notice=notice, **posting.cleaned_data)
                return redirect("notices:notice", pk=notice.pk)
        else:
            form = NoticeForm(request.POST, communities=communities)
            if form.is_valid():
                d = form.cleaned_data
                services.notice_save(actor=request.user, community=notice.community, kind=d["kind"],
                                     title=d["title"], body=d["body"], notice=notice)
                return redirect("notices:notice", pk=notice.pk)
        status = 422
    return render(request, "notices/notice_detail.html", {
        "notice": notice, "form": form, "posting_form": posting, "postings": notice.postings.all()[:200],
        "public_url": public_notice_url(request, notice),
    }, status=status)


@page(Perm.MANAGE_NOTICES, within=Within.COMMUNITY, methods=("GET", "HEAD"))
def notice_poster(request, pk: int):
    notice = selectors.notice_get(actor=request.user, pk=pk)
    pdf = notice_poster_pdf(title=notice.title, body=notice.body, community=notice.community.name,
                            url=public_notice_url(request, notice),
                            date_label=(notice.published_at or notice.created_at).date().isoformat())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


@page(Perm.SEND_MESSAGES)
def channel_list(request):
    form = ChannelForm(request.POST or None, communities=community_list(actor=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.channel_save(actor=request.user, community=d["community"], kind=d["kind"], name=d["name"],
                                  url=d["url"] or "")
        except DomainError as exc:
            _put_errors(form, exc)
        else:
            return redirect("notices:channels")
    return render(request, "notices/channel_list.html", {
        "channels": selectors.channel_list(actor=request.user), "form": form,
    }, status=422 if form.errors else 200)


@page(Perm.SEND_MESSAGES)
def message_list(request):
    channels = selectors.channel_list(actor=request.user).filter(active=True)
    form = MessageForm(request.POST or None, channels=channels)
    if request.method == "POST":
        if request.POST.get("retry"):
            message = selectors.message_get(actor=request.user, pk=int(request.POST["retry"]) if
                                             request.POST["retry"].isdigit() else 0)
            services.message_retry(actor=request.user, message=message)
            return redirect("notices:messages")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.message_send(actor=request.user, channel=d["channel"], text=d["text"],
                                      subject=d["subject"], recipients=form.recipient_list())
            except DomainError as exc:
                _put_errors(form, exc)
            else:
                return redirect("notices:messages")
    status = request.GET.get("status") or None
    return render(request, "notices/message_list.html", {
        "messages_sent": selectors.message_list(actor=request.user, status=status), "form": form,
        "status": status, "today": local_today(), "title": _("Messages to residents"),
    }, status=422 if form.errors else 200)
