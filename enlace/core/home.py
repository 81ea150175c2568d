"""The home page per role: each app declares cards (``home_cards`` on its AppConfig)."""

from django.apps import apps
from django.urls import reverse


def home_cards(user):
    cards = []
    for config in apps.get_app_configs():
        for card in getattr(config, "home_cards", []):
            perm = card.get("perm")
            if perm and not user.has_perm(perm):
                continue
            roles = card.get("roles")
            if roles and not (set(roles) & user.role_codes()):
                continue
            cards.append({**card, "href": reverse(card["url"]), "order": card.get("order", 50)})
    return sorted(cards, key=lambda c: c["order"])
