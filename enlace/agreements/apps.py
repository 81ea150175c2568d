from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["agreements.view_agreement", "agreements.view_agreementshare"]


class AgreementsConfig(AppConfig):
    """Register of information-exchange agreements: an agreement in force produces the sharing group
    under which its parties share, with its purposes and handling limits."""

    name = "enlace.agreements"
    label = "agreements"
    verbose_name = _("Acuerdos de intercambio de información")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.agreements.urls"
    api_urls = "enlace.agreements.api_urls"
    web_prefix = "acuerdos/"
    nav_entries = [
        {"url": "agreements:list", "label": _("Acuerdos"), "perm": "agreements.view_agreement", "order": 40},
        {"url": "agreements:onboard", "label": _("Incorporar una parte"), "perm": "agreements.onboard_party",
         "order": 42},
    ]
    home_cards = [
        {"url": "agreements:list", "title": _("Acuerdos de intercambio"), "perm": "agreements.view_agreement",
         "order": 40, "text": _("Acuerdos y memorandos vigentes: partes, fines permitidos y límites de uso.")},
    ]
    role_permissions = {
        "st": [*_READ, "agreements.add_agreement", "agreements.change_agreement", "agreements.decide_agreement",
               "agreements.onboard_party"],
        "cancilleria": [*_READ, "agreements.add_agreement", "agreements.change_agreement",
                        "agreements.decide_agreement"],
        "focal_point": [*_READ, "agreements.change_agreementshare"],
        "prosecutor": [*_READ, "agreements.change_agreementshare"],
        "analyst": [*_READ, "agreements.change_agreementshare"],
        "auditor": [*_READ],
    }
    demo_loaders = ["enlace.agreements.demo.load_agreements_demo"]
    periodic_tasks = ["enlace.agreements.tasks.run_agreement_tasks"]
