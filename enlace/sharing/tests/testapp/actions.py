from django.db import transaction

from enlace.audit.log import log_event

from .models import Dossier, DossierNote


@transaction.atomic
def do_create_dossier(user, *, title, distribution="institution", sharing_group=None):
    d = Dossier(title=title, owner_institution=user.institution, distribution=distribution,
                sharing_group=sharing_group, created_by=user)
    d.clean_sharing()
    d.save()
    log_event("write", user=user, obj=d, after={"title": title, "distribution": distribution})
    return d


@transaction.atomic
def do_create_dossier_note(user, dossier, *, text, distribution):
    n = DossierNote(dossier=dossier, text=text, owner_institution=user.institution, distribution=distribution,
                    created_by=user)
    n.clean_sharing()
    n.save()
    log_event("write", user=user, obj=n, after={"text": text})
    return n
