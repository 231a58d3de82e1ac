from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.notices.models import Channel, Notice
from fangkong.registry.models import Community


class _CommunityForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        if len(communities) == 1:
            self.fields["community"].initial = communities[0]


class NoticeForm(_CommunityForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 8}))


class PostingForm(forms.Form):
    place = forms.CharField(label=_("Place"), max_length=120)
    posted_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    posted_by = forms.CharField(label=_("By"), max_length=64)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=10000, initial=1)


class ChannelForm(_CommunityForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Channel.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=64)
    url = forms.URLField(label=_("Webhook URL"), max_length=500, required=False, assume_scheme="https")


class MessageForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=120, required=False)
    text = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    recipients = forms.CharField(label=_("E-mail addresses"), required=False, max_length=4000,
                                 help_text=_("One a line; for e-mail channels only"),
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels

    def recipient_list(self) -> list[str]:
        return [r.strip() for r in self.cleaned_data["recipients"].replace(",", "\n").splitlines() if r.strip()]
