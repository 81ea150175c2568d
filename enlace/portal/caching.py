"""The portal is the public face under load: every page is cached per language and content version,
answered with an ETag (304 when unchanged) and ``Cache-Control: public`` so proxies can help."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils import translation

LANGS = ("es", "en")
MAX_AGE = 60          # what browsers and proxies may keep
SERVER_TTL = 15 * 60  # what the server keeps: keyed by content version, so a change shows at once anyway
VERSION_KEY = "portal:version"
# The version is remembered this long per process: the portal's actions forget it at once in their own
# process; another server process (or a key actor published by the directory) sees a change within it.
VERSION_TTL = 2


def content_version() -> str:
    """Changes whenever any portal entry or public key actor changes (one cheap aggregate each)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        from enlace.directory.models import PublicKeyActor

        from .models import PortalEntry

        e = PortalEntry.objects.unrestricted(reason="portal cache version").aggregate(m=Max("updated_at"),
                                                                                     n=Count("id"))
        a = PublicKeyActor.objects.unrestricted(reason="portal cache version").aggregate(m=Max("updated_at"),
                                                                                        n=Count("id"))
        version = hashlib.sha1(f"{e['m']}-{e['n']}-{a['m']}-{a['n']}".encode()).hexdigest()[:16]
        cache.set(VERSION_KEY, version, VERSION_TTL)
    return version


def forget_version() -> None:
    """Called by the actions that change what is public: now, and again once their transaction commits
    (a page rendered in between must not keep the old content for the TTL)."""
    from django.db import transaction

    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def portal_page(view):
    """GET/HEAD only; ``lang`` from the URL; cached body; ETag + Cache-Control; errors never cached."""

    @wraps(view)
    def wrapper(request, *args, lang="es", **kwargs):
        if lang not in LANGS:
            raise Http404
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        with translation.override(lang):
            path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
            key = f"portal:{lang}:{path}:{content_version()}"
            cached = cache.get(key)
            if cached is None:
                response = view(request, *args, lang=lang, **kwargs)
                if response.status_code != 200:
                    return response
                cached = (response.content, response["Content-Type"])
                cache.set(key, cached, SERVER_TTL)
        content, ctype = cached
        etag = f'"{hashlib.sha1(content).hexdigest()}"'
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(content, content_type=ctype)
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response["Content-Language"] = lang
        return response

    return wrapper
