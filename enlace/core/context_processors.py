from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enlace.accounts.roles import role_label

# How many entries (after "Inicio") stay on the menu bar; the rest go under "Más". Eight short Spanish or
# English labels fit one line at 1366 px for every role (the browser test checks it), twenty do not.
NAV_PRIMARY = 7


def _current(path: str, entries: list[dict]) -> dict | None:
    """The single entry the page belongs to: the longest menu URL that prefixes the path.

    "Inicio" (``/inicio/``) only matches itself, and ``/directorio/a-quien-contacto/`` beats ``/directorio/``,
    so two entries are never marked at once.
    """
    best = None
    for entry in entries:
        url = entry["url"]
        if path == url or (url != entries[0]["url"] and path.startswith(url)):
            if best is None or len(url) > len(best["url"]):
                best = entry
    return best


def navigation(request):
    """Menu entries declared by the apps (``nav_entries``), shown only to users who can use them.

    ``nav_entries`` is the whole menu in order (Inicio first, "Mi seguridad" last), each entry with
    ``current`` set on at most one of them; ``nav_primary`` / ``nav_more`` split it for the menu bar and
    its "Más" disclosure.
    """
    user = getattr(request, "user", None)
    entries = []
    if user is not None and user.is_authenticated and user.is_verified():
        for config in apps.get_app_configs():
            for entry in getattr(config, "nav_entries", []):
                perm = entry.get("perm")
                if perm and not user.has_perm(perm):
                    continue
                entries.append({"url": reverse(entry["url"]), "label": entry["label"], "order": entry.get("order", 50)})
        entries.sort(key=lambda e: e["order"])
        entries.insert(0, {"url": reverse("core:home"), "label": _("Inicio"), "order": 0})
        entries.append({"url": reverse("accounts:security"), "label": _("Mi seguridad"), "order": 1000})
        current = _current(request.path, entries)
        for entry in entries:
            entry["current"] = entry is current
    # A "Más" holding a single entry would hide it for nothing.
    split = NAV_PRIMARY + 1 if len(entries) > NAV_PRIMARY + 2 else len(entries)
    primary, more = entries[:split], entries[split:]
    roles = [role_label(code) for code in sorted(user.role_codes())] if user is not None and user.is_authenticated else []
    banner = None
    if user is not None and user.is_authenticated and user.is_verified():
        # An official without cross-border standing is told so on every page, and why.
        from enlace.directory.policy import standing_banner

        banner = standing_banner(user)
    return {"nav_entries": entries, "nav_primary": primary, "nav_more": more,
            "nav_more_current": any(e["current"] for e in more), "user_roles": roles, "standing_banner": banner}
