"""Atom feed, iCal feed and sitemap of the portal: built from published entries only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import public
from .caching import LANGS, portal_page
from .ical import ical_response, parse_since

FEED_SIZE = 30


@portal_page
def atom(request, lang):
    kind_slug = request.GET.get("seccion", "")
    qs = public.published()
    title = _("Portal de la Red de Funcionarios de Enlace · CRM")
    if kind_slug in public.SECTIONS:
        kind, section_title = public.SECTIONS[kind_slug]
        qs, title = qs.filter(kind=kind), f"{title} · {section_title}"
    base = request.build_absolute_uri("/")[:-1]
    feed = Atom1Feed(title=title, link=base + reverse("portal:home", kwargs={"lang": lang}),
                     description=_("Novedades publicadas en el portal."), language=lang,
                     feed_url=base + request.get_full_path())
    for item in qs[:FEED_SIZE]:
        feed.add_item(title=item.title, link=base + public.entry_url(item, lang), description=item.summary,
                      pubdate=item.published_at, updateddate=item.updated_at, unique_id=f"enlace-portal-{item.pk}",
                      categories=[str(item.get_kind_display())])
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


@portal_page
def events_ical(request, lang):
    try:
        since = parse_since(request.GET.get("desde"))
    except ValidationError as exc:
        return HttpResponse(exc.messages[0], status=400, content_type="text/plain; charset=utf-8")
    base = request.build_absolute_uri("/")[:-1]
    events = [{"uid": f"portal-{e.pk}@enlace", "title": e.title, "starts_at": e.starts_at, "ends_at": e.ends_at,
               "place": e.place, "description": e.summary, "url": base + public.entry_url(e, lang)}
              for e in public.upcoming_events(since)[:500]]
    return ical_response(_("Eventos de la CRM"), events, "eventos.ics")


@portal_page
def sitemap(request, lang="es"):
    base = request.build_absolute_uri("/")[:-1]
    urls = []
    for code in LANGS:
        urls.append(base + reverse("portal:home", kwargs={"lang": code}))
        for name in ("network", "plan"):
            urls.append(base + reverse(f"portal:{name}", kwargs={"lang": code}))
        for slug in public.SECTIONS:
            urls.append(base + reverse("portal:section", kwargs={"lang": code, "slug": slug}))
        urls += [base + public.entry_url(item, code) for item in public.published().select_related(None).only("pk")[:5000]]
    body = render_to_string("portal/sitemap.xml", {"urls": urls})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
