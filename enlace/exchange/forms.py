"""Forms of the exchange. They parse and keep what was typed; the actions validate and decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlace.core.models import Country
from enlace.core.timefmt import to_local, zone_label
from enlace.core.widgets import LocalDateField, LocalDateTimeField, SearchableSelect, SearchableSelectMultiple, with_empty_choice
from enlace.directory.policy import authorised_contacts_for

from . import choices
from .models import MlaDraft


def _widget(widget):
    if widget == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    if widget == "number":
        return forms.IntegerField(required=False, min_value=0)
    if widget == "date":
        return LocalDateField(required=False)
    if widget == "alert_type":
        return forms.ChoiceField(required=False, choices=[("", "—"), *choices.ALERT_TYPES])
    return forms.CharField(required=False, max_length=300)


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo de mensaje"), choices=choices.KINDS)
    subject = forms.CharField(label=_("Asunto"), max_length=200, required=False)
    recipient_countries = forms.MultipleChoiceField(
        label=_("Países destinatarios"), required=False, widget=SearchableSelectMultiple,
        help_text=_("Solo reciben los puntos focales autorizados y vigentes de cada país."))
    recipient_contacts = forms.MultipleChoiceField(
        label=_("Puntos focales concretos (opcional)"), required=False, widget=SearchableSelectMultiple,
        help_text=_("Si no elige ninguno, reciben todos los puntos focales autorizados del país."))
    priority = forms.ChoiceField(label=_("Prioridad"), choices=choices.PRIORITIES, initial="normal",
                                 help_text=_("Plazo por defecto: 8 horas si es urgente, 7 días si es normal."))
    due_at = LocalDateTimeField(label=_("Plazo (opcional)"), required=False)
    source_grading = forms.ChoiceField(label=_("Fiabilidad de la fuente"), choices=choices.SOURCE_GRADES,
                                       initial="X")
    info_grading = forms.ChoiceField(label=_("Valoración de la información"), choices=choices.INFO_GRADES,
                                     initial="4")
    body = forms.CharField(label=_("Texto"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    case_reference = forms.CharField(label=_("Referencia del caso (opcional)"), max_length=100, required=False)
    handling_intelligence_only = forms.BooleanField(label=_("Solo para uso de inteligencia"), required=False)
    handling_no_judicial_use = forms.BooleanField(
        label=_("No usar en procesos judiciales sin consentimiento del propietario"), required=False, initial=True)
    handling_no_onward_sharing = forms.BooleanField(label=_("No transmitir a terceros sin consentimiento"),
                                                    required=False, initial=True)
    handling_other = forms.CharField(label=_("Otras restricciones"), max_length=500, required=False)
    attachment = forms.FileField(label=_("Adjunto (opcional)"), required=False,
                                 help_text=_("PDF, imagen, documento de oficina o texto; máximo 10 MB."))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = user.institution.country_id if user.institution_id else None
        self.fields["recipient_countries"].choices = [
            (c.code, c.name) for c in Country.objects.restrict(user).filter(kind=Country.Kind.MEMBER).exclude(pk=own)]
        # Each country's principal focal point (designated by its Cancillería) comes first and says so:
        # it is the default addressee when the sender does not know whom to write to.
        principal = _(" · punto focal principal (destinatario por defecto)")
        self.fields["recipient_contacts"].choices = [
            (str(c.pk), f"{c.owner_institution.country.name} · {c.full_name} — {c.position}"
                        f"{principal if c.principal else ''}")
            for c in authorised_contacts_for(user).filter(user__isnull=False).exclude(owner_institution__country=own)
            .order_by("owner_institution__country__code", "-principal", "last_name", "pk")]
        # The deadline is read in the sender's zone (activated per request); say which, next to the field.
        self.fields["due_at"].help_text = _("En su zona horaria: %(zone)s.") % {
            "zone": zone_label(to_local(timezone.now()))}
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.kind_fields = []
        for kind, fields in choices.KIND_FIELDS.items():
            group = []
            for name, label, widget in fields:
                key = f"d_{kind}_{name}"
                self.fields[key] = _widget(widget)
                self.fields[key].label = label
                group.append(self[key])
            self.kind_fields.append((kind, choices.label(choices.KINDS, kind), group))

    def action_data(self) -> dict:
        d = self.cleaned_data
        kind = d.get("kind")
        details = {}
        for name, _label, _w in choices.KIND_FIELDS.get(kind, []):
            value = d.get(f"d_{kind}_{name}")
            if value not in (None, ""):
                details[name] = value
        return {
            "kind": kind, "subject": d.get("subject"), "body": d.get("body"), "priority": d.get("priority"),
            "due_at": d.get("due_at"), "source_grading": d.get("source_grading"),
            "info_grading": d.get("info_grading"), "details": details,
            "recipient_countries": d.get("recipient_countries") or [],
            "recipient_contacts": d.get("recipient_contacts") or [],
            "case_reference": d.get("case_reference"),
            "handling_intelligence_only": d.get("handling_intelligence_only"),
            "handling_no_judicial_use": d.get("handling_no_judicial_use"),
            "handling_no_onward_sharing": d.get("handling_no_onward_sharing"),
            "handling_other": d.get("handling_other") or "",
        }

    @classmethod
    def initial_from(cls, thread, user) -> dict:
        from .actions import chosen_contacts

        initial = {"kind": thread.kind, "subject": thread.subject, "body": thread.body, "priority": thread.priority,
                   "source_grading": thread.source_grading, "info_grading": thread.info_grading,
                   "case_reference": thread.case_reference,
                   "recipient_countries": list(thread.recipient_countries.values_list("code", flat=True)),
                   "recipient_contacts": [str(c.pk) for c in chosen_contacts(user, thread)],
                   "handling_intelligence_only": thread.handling_intelligence_only,
                   "handling_no_judicial_use": thread.handling_no_judicial_use,
                   "handling_no_onward_sharing": thread.handling_no_onward_sharing,
                   "handling_other": thread.handling_other}
        for name, value in (thread.details or {}).items():
            initial[f"d_{thread.kind}_{name}"] = value
        return initial


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Su mensaje"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    is_answer = forms.BooleanField(label=_("Es la respuesta a la solicitud"), required=False)
    attachment = forms.FileField(label=_("Adjunto (opcional)"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class ForwardForm(forms.Form):
    target_country = forms.ChoiceField(label=_("País al que quiere reenviar"), widget=SearchableSelect)
    reason = forms.CharField(label=_("Motivo"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, user, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Never the user's own country, nor one already in the thread (``exclude``); nothing preselected.
        own = user.institution.country_id if user.institution_id else None
        self.fields["target_country"].choices = with_empty_choice([
            (c.code, c.name) for c in Country.objects.restrict(user).filter(kind=Country.Kind.MEMBER).exclude(
                pk=own).exclude(pk__in=list(exclude))])
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Archivo"))


class MlaNewForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200, required=False)
    requested_country = forms.ChoiceField(label=_("País requerido"), widget=SearchableSelect)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = user.institution.country_id if user.institution_id else None
        # Starts empty: the first country of the list used to be chosen for the prosecutor.
        self.fields["requested_country"].choices = with_empty_choice([
            (c.code, c.name) for c in Country.objects.restrict(user).filter(kind=Country.Kind.MEMBER).exclude(pk=own)])
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class MlaVersionForm(forms.Form):
    legal_basis_code = forms.ChoiceField(label=_("Base jurídica"), required=False,
                                         choices=[("", "—"), *choices.LEGAL_BASES])
    note = forms.CharField(label=_("Nota de la versión"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, checklist, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in choices.MLA_FIELDS:
            self.fields[name] = forms.CharField(label=label, required=False, max_length=20000,
                                                widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["checklist"] = forms.MultipleChoiceField(
            label=_("Requisitos del país requerido"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(i["code"], choices.checklist_label(i)) for i in checklist])
        self.order_fields(["legal_basis_code", *[n for n, _l in choices.MLA_FIELDS], "checklist", "note"])
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class MlaStatusForm(forms.Form):
    formal_status = forms.ChoiceField(label=_("Estado de la solicitud formal"), choices=MlaDraft.FormalStatus.choices)
    formal_reference = forms.CharField(label=_("Referencia formal"), max_length=100, required=False)
