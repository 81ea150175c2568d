from django.db import models

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_COUNTRY, SECRETARIAT, Rule


class Dossier(ProtectedModel):
    """Personal data: never public; list reads audited. "validate" is a declared decision."""

    title = models.CharField(max_length=200)
    personal_data = True
    write_rules = {"validate": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="sharing_testapp.export_dossier")}

    class Meta:
        permissions = [("export_dossier", "Can export dossiers")]

    def __str__(self):
        return self.title


class DossierNote(ProtectedModel):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(max_length=200)
    sharing_parent = "dossier"

    def __str__(self):
        return self.title


class Bulletin(ProtectedModel):
    """Non-personal and publishable: exercises every distribution including public."""

    title = models.CharField(max_length=200)
    publishable = True

    class Meta:
        permissions = [("export_bulletin", "Can export bulletins")]

    def __str__(self):
        return self.title


access_dossier_by_id = make_accessor(Dossier)
access_dossiernote_by_id = make_accessor(DossierNote)
access_bulletin_by_id = make_accessor(Bulletin)
