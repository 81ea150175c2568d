from django.apps import apps
from django.urls import reverse

from enlace.accounts.roles import role_label


def navigation(request):
    """Menu entries declared by the apps (``nav_entries``), shown only to users who can use them."""
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
    roles = [role_label(code) for code in sorted(user.role_codes())] if user is not None and user.is_authenticated else []
    banner = None
    if user is not None and user.is_authenticated and user.is_verified():
        # An official without cross-border standing is told so on every page, and why.
        from enlace.directory.policy import standing_banner

        banner = standing_banner(user)
    return {"nav_entries": entries, "user_roles": roles, "standing_banner": banner}
