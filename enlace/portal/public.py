"""The public portal: no login, its own look, Spanish and English (``/publico/<lang>/``).

Every protected read here is ``restrict(AnonymousUser(), "list")``: the policy gives anonymous
visitors ``distribution=public`` rows only, i.e. what the ST approved through the publish step.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlace.core.models import Country
from enlace.directory.models import PublicKeyActor
from enlace.knowledge.models import Axis, ImplementationReport, Recommendation

from .caching import portal_page
from .models import PortalEntry

K = PortalEntry.Kind
# URL slug → (kind, Spanish title). Slugs are the same in both languages (the URL names the language).
SECTIONS = {
    "acuerdos": (K.AGREEMENT, _("Acuerdos y declaraciones")),
    "publicaciones": (K.PUBLICATION, _("Publicaciones")),
    "campanas": (K.CAMPAIGN, _("Campañas")),
    "noticias": (K.NEWS, _("Noticias")),
    "buenas-practicas": (K.PRACTICE, _("Buenas prácticas")),
    "jurisprudencia": (K.CASE, _("Jurisprudencia")),
    "eventos": (K.EVENT, _("Calendario de eventos")),
}
SLUG_OF = {kind: slug for slug, (kind, _t) in SECTIONS.items()}
MAX_QUERY = 100


def published():
    """Everything the public may read, nothing else."""
    return (PortalEntry.objects.restrict(AnonymousUser(), "list")
            .filter(status=PortalEntry.Status.PUBLISHED).select_related("country", "theme"))


def _ctx(lang, **kw):
    other = "en" if lang == "es" else "es"
    return {"lang": lang, "other_lang": other, "sections": [(s, t) for s, (_k, t) in SECTIONS.items()], **kw}


def _page(request, qs, per=20):
    return Paginator(qs, per).get_page(request.GET.get("pagina"))


@portal_page
def home(request, lang):
    now = timezone.now()
    entries = published()
    return render(request, "portal/home.html", _ctx(
        lang, latest=list(entries.exclude(kind=K.EVENT)[:6]),
        upcoming=list(entries.filter(kind=K.EVENT, starts_at__gte=now).order_by("starts_at")[:4]),
        members=Country.objects.filter(in_network=True).order_by("name_es")))


@portal_page
def section(request, slug, lang):
    if slug not in SECTIONS:
        raise Http404
    kind, title = SECTIONS[slug]
    qs = published().filter(kind=kind)
    if kind == K.EVENT:
        qs = qs.order_by("starts_at")
    return render(request, "portal/section.html", _ctx(lang, slug=slug, title=title, page=_page(request, qs)))


@portal_page
def entry(request, pk, lang):
    item = published().filter(pk=pk).first()
    if item is None:
        raise Http404
    return render(request, "portal/entry.html", _ctx(lang, item=item, slug=SLUG_OF[item.kind],
                                                     section_title=SECTIONS[SLUG_OF[item.kind]][1]))


@portal_page
def network(request, lang):
    actors = PublicKeyActor.objects.restrict(AnonymousUser(), "list").select_related("country").order_by(
        "country__name_es", "institution_name")
    return render(request, "portal/network.html", _ctx(
        lang, members=Country.objects.filter(in_network=True).order_by("name_es"), actors=actors[:200]))


@portal_page
def plan(request, lang):
    axes = list(Axis.objects.prefetch_related("actions").order_by("document", "number"))
    recs = Recommendation.objects.filter(parent__isnull=True, withdrawn=False).select_related("meeting").order_by(
        "order")[:200]
    # Country progress: only the implementation reports a country published (anonymous → public only).
    progress = {}
    reports = ImplementationReport.objects.restrict(AnonymousUser(), "list").filter(action__isnull=False)
    for r in reports.select_related("owner_institution__country").order_by("owner_institution__country__name_es")[:2000]:
        progress.setdefault(r.action_id, []).append(r)
    for axis in axes:
        for action in axis.actions.all():
            action.public_progress = progress.get(action.pk, [])
    return render(request, "portal/plan.html", _ctx(lang, axes=axes, recommendations=recs,
                                                    any_progress=bool(progress)))


@portal_page
def search(request, lang):
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    qs = PortalEntry.objects.none()
    if q:
        words = q.split()[:8]
        cond = Q()
        for w in words:
            cond &= (Q(title_es__icontains=w) | Q(title_en__icontains=w) | Q(summary_es__icontains=w)
                     | Q(summary_en__icontains=w) | Q(body_es__icontains=w) | Q(body_en__icontains=w))
        qs = published().filter(cond)
    return render(request, "portal/search.html", _ctx(lang, q=q, page=_page(request, qs)))


def entry_url(item, lang):
    return reverse("portal:entry", kwargs={"lang": lang, "pk": item.pk})


def upcoming_events(since: datetime.datetime | None = None):
    qs = published().filter(kind=K.EVENT, starts_at__isnull=False).order_by("starts_at")
    return qs.filter(starts_at__gte=since) if since else qs
