from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ = ["knowledge.view_implementationreport"]
ALL_ROLES = ["st", "cancilleria", "focal_point", "prosecutor", "centre_manager", "analyst", "auditor", "portal_editor"]


class KnowledgeConfig(AppConfig):
    name = "enlace.knowledge"
    label = "knowledge"
    verbose_name = _("Base de conocimiento")
    web_urls = "enlace.knowledge.urls"
    web_prefix = "conocimiento/"
    api_urls = "enlace.knowledge.api_urls"
    nav_entries = [
        {"url": "knowledge:home", "label": _("Conocimiento"), "perm": "knowledge.view_recommendation", "order": 20},
    ]
    home_cards = [
        {"url": "knowledge:search", "title": _("Plan de trabajo y recomendaciones"), "order": 20,
         "perm": "knowledge.view_recommendation",
         "text": _("Busque en el Plan de Trabajo 2019–2025 y en las recomendaciones de los grupos de trabajo de la ONU.")},
        {"url": "knowledge:dashboard", "title": _("Avances por país"), "order": 21,
         "perm": "knowledge.view_implementationreport",
         "text": _("Mapa de calor de la implementación del plan por país y acción, tendencias y exportaciones.")},
    ]
    role_permissions = {
        **{role: ["knowledge.view_recommendation", "knowledge.view_planaction"] for role in ALL_ROLES},
        "focal_point": ["knowledge.view_recommendation", "knowledge.view_planaction", *READ,
                        "knowledge.change_implementationreport", "knowledge.export_implementationreport"],
        "cancilleria": ["knowledge.view_recommendation", "knowledge.view_planaction", *READ,
                        "knowledge.validate_implementationreport", "knowledge.export_implementationreport"],
        "st": ["knowledge.view_recommendation", "knowledge.view_planaction", *READ,
               "knowledge.validate_implementationreport", "knowledge.export_implementationreport",
               "knowledge.decide_proposals", "knowledge.manage_rounds"],
        "analyst": ["knowledge.view_recommendation", "knowledge.view_planaction", *READ,
                    "knowledge.export_implementationreport"],
        "prosecutor": ["knowledge.view_recommendation", "knowledge.view_planaction", *READ],
    }
    demo_loaders = ["enlace.knowledge.demo.load_demo"]
    periodic_tasks = ["enlace.knowledge.tasks.send_due_reminders"]
