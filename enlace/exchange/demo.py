"""Demo exchange: an urgent request Costa Rica → Panamá, a Guatemalan network alert, an MLA draft. Idempotent."""

from __future__ import annotations

from django.db import transaction

from enlace.accounts.models import User

from .actions import do_acknowledge_thread, do_create_mla_draft, do_reply_thread, do_save_mla_version, do_send_thread


def _user(name):
    return User.objects.filter(username=name, is_active=True).select_related("institution__country").first()


@transaction.atomic
def load_exchange_demo(stdout=None) -> int:
    # The exchange needs authorised focal points: make sure the directory demo ran first (it is idempotent).
    from enlace.directory.demo import load_directory_demo

    load_directory_demo(None)
    cri, pan, gtm = _user("enlace.cri"), _user("enlace.pan"), _user("enlace.gtm")
    fiscal_cri, fiscal_pan = _user("fiscal.cri"), _user("fiscal.pan")
    created = 0
    if cri and pan:
        thread, new = do_send_thread(cri, {
            "kind": "info_request", "priority": "urgent", "source_grading": "B", "info_grading": "2",
            "subject": "Solicitud urgente: lancha interceptada en Golfito con 23 migrantes",
            "body": ("Solicitamos información sobre los antecedentes en Panamá del capitán de la embarcación "
                     "interceptada y sobre el teléfono satelital incautado."),
            "details": {"purpose": "Investigación por tráfico ilícito de migrantes (art. 249 bis CP).",
                        "persons": "Capitán: J. R. M., pasaporte panameño (número en el adjunto físico).",
                        "questions": "¿Registros de salidas por Puerto Obaldía? ¿Titular del teléfono?"},
            "recipient_countries": ["PAN"], "case_reference": "CRI-OIJ-2026-0142",
        }, idempotency_key="demo-cri-pan-urgent")
        created += new
        if new:
            do_acknowledge_thread(pan, thread)
            do_reply_thread(pan, thread, body="Recibido. Consultamos al Servicio Nacional de Migración; "
                                               "respondemos antes del plazo.")
    if gtm:
        thread, new = do_send_thread(gtm, {
            "kind": "alert", "priority": "urgent", "source_grading": "A", "info_grading": "2",
            "subject": "Alerta: grupo de 40 personas en tránsito hacia la frontera con México por Petén",
            "body": "Grupo trasladado en dos camiones refrigerados; guías con teléfonos de México.",
            "details": {"alert_type": "group_on_route", "route": "El Ceibo – Tenosique", "group_size": 40,
                        "nationalities": "Hondureña, salvadoreña, ecuatoriana",
                        "indicators": "Camiones refrigerados con placas de Guatemala; pagos por billetera móvil."},
            "recipient_countries": ["MEX", "HND", "SLV", "BLZ", "USA"],
            "handling_no_judicial_use": True, "handling_no_onward_sharing": True,
        }, idempotency_key="demo-gtm-alert")
        created += new
    if fiscal_cri and fiscal_pan:
        from .models import MlaDraft

        drafts = MlaDraft.objects.restrict(fiscal_cri, "list")
        if not drafts.filter(title__startswith="AJR Costa Rica – Panamá").exists():
            content = {
                "requesting_authority": "Fiscalía Adjunta contra la Trata de Personas y el Tráfico Ilícito de "
                                        "Migrantes, Costa Rica",
                "legal_basis_code": "untoc_18", "legal_basis": "Convención de Palermo, art. 18.",
                "facts": "Interceptación de una lancha con 23 migrantes en Golfito.",
                "offence_and_penalty": "Tráfico ilícito de migrantes; prisión de 6 a 10 años.",
                "assistance_sought": "Registros migratorios y de telefonía.",
                "urgency": "Personas detenidas: plazos procesales cortos.",
                "confidentiality": "No informar a los investigados.", "contact": "fiscal.cri"}
            draft = do_create_mla_draft(fiscal_cri, title="AJR Costa Rica – Panamá: registros migratorios y "
                                                          "telefonía", requested_country="PAN", content=content)
            do_save_mla_version(fiscal_pan, draft, content={
                **content,
                "assistance_sought": "Registros migratorios (Servicio Nacional de Migración) y de telefonía "
                                     "(orden judicial previa en Panamá).",
                "persons_and_accounts": "Capitán J. R. M.; línea satelital incautada."},
                checklist=["authority", "facts"], note="Ajustes del país requerido")
            created += 1
    if stdout is not None:
        stdout.write(f"exchange: {created} demo threads/drafts created")
    return created
