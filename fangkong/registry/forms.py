from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code
from fangkong.core.forms import FastSelect
from fangkong.registry.errors import RegistryCode
from fangkong.registry.importing.read import SUFFIXES, UNSUPPORTED_TYPE_MESSAGE
from fangkong.registry.models import Membership, Person


class PersonSearchForm(forms.Form):
    """The people list's filters. A reader with up to `GRID_CHOICES_MAX` grids picks one from all of them;
    above that (a district's or a city's office) the form asks for the community first and offers its
    grids, so that no page carries thousands of options."""

    GRID_CHOICES_MAX = 300

    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None,
                                       widget=FastSelect)
    grid = forms.TypedChoiceField(label=_("Grid"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Person.Category.choices])
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, grids=(), tags=(), communities=None, **kwargs) -> None:
        """`communities`: None when all the reader's `grids` are offered; else the (id, name) of the
        communities to choose from, and `grids` those of the chosen one."""
        super().__init__(*args, **kwargs)
        grids = list(grids)
        if communities is None:
            del self.fields["community"]
            self.fields["grid"].choices = [("", _("All grids"))] + [(g.id, f"{g.community.name} {g.name}")
                                                                    for g in grids]
        else:
            self.fields["community"].choices = [("", _("All communities")), *communities]
            self.fields["grid"].choices = [("", _("All grids"))] + [(g.id, g.name) for g in grids]
        if self.is_bound and self.data.get("grid") and self.data["grid"] not in {str(g.id) for g in grids}:
            # A grid of the community chosen before: dropped, rather than the whole search refused.
            self.data = self.data.copy()
            self.data.pop("grid")
        self.fields["tag"].choices = [("", _("All tags"))] + [(t.code, t.name) for t in tags]


class PersonForm(forms.Form):
    """Raw fields only; registry.validation does the checking so every edge checks alike."""

    name = forms.CharField(label=_("Name"), max_length=64)
    id_type = forms.ChoiceField(label=_("ID type"), choices=Person.IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("Residence category"), choices=Person.Category.choices)
    workplace = forms.CharField(label=_("Workplace"), max_length=128, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=Membership.Relation.choices)
    tags = forms.MultipleChoiceField(label=_("Tags"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tags=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(t.code, t.name) for t in tags]


class ImportForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    file = forms.FileField(label=_("File (.xlsx, .xls, .ods or .csv)"))

    def __init__(self, *args, communities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.code, c.name) for c in communities]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(UNSUPPORTED_TYPE_MESSAGE, code=RegistryCode.UNSUPPORTED_TYPE)
        if f.size > 30 * 1024 * 1024:
            raise forms.ValidationError(_("A file is at most 30 MB"), code=Code.TOO_LARGE)
        return f
