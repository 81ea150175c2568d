"""Hit/no-hit results. Each side of a hit is its own record, owned by that side's institution.

A ``HitNotice`` tells its owner only that another country holds a matching record, how strong the
match is, which of the owner's *own* fields agreed, and which institution to ask. The other
side's record never crosses over: details travel only as a ``ReleasedRecord`` that the other side's
owner creates when it approves a release request.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Abs
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, Distribution, Rule

# The owner institution of a notice takes its decisions (a judgement, a request to the other side, the
# answer to the other side's request), with the permission to act on hits.
_OWNER_DECIDES = Rule(who=(OWNER_INSTITUTION,), permission="matching.change_hitnotice")


class HitNotice(ProtectedModel):
    """One side of a cross-border hit, owned by the institution that holds ``own_person``.

    It says that another country holds a matching record, how strong the match is, which of the
    owner's own fields agreed and whom to ask: every read of it is about another country, so it
    needs cross-border standing (``cross_border_always``), and a revoked official sees none.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Por revisar")
        SAME = "same", _("Es la misma persona")
        NOT_SAME = "not_same", _("No es la misma persona")
        UNSURE = "unsure", _("No se puede determinar")
        WITHDRAWN = "withdrawn", _("Retirada")

    class Release(models.TextChoices):
        NONE = "", _("Sin solicitud")
        REQUESTED = "requested", _("Solicitada por el otro país")
        APPROVED = "approved", _("Datos compartidos")
        DECLINED = "declined", _("Denegada")

    class Subject(models.TextChoices):
        PERSON = "person", _("Persona")
        DOCUMENT = "document", _("Documento")
        PHONE = "phone", _("Teléfono")

    # A person hit (and the owner's side of a document/phone hit on a case) names the case entity; the
    # asking side of a document/phone query and a hit on the document register have none (their
    # ``own_record_id`` names the query or the register entry, and ``own_label`` what to show).
    own_person = models.ForeignKey("cases.Entity", on_delete=models.CASCADE, related_name="hit_notices",
                                   null=True, blank=True, verbose_name=_("registro propio"))
    subject = models.CharField(_("objeto de la coincidencia"), max_length=10, choices=Subject.choices,
                               default=Subject.PERSON)
    own_label = models.CharField(_("registro propio"), max_length=80, blank=True)
    own_record_id = models.CharField(max_length=64)
    other_record_id = models.CharField(max_length=64)
    pair_key = models.CharField(max_length=140, db_index=True)
    other_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("país que tiene la coincidencia"))
    other_institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("institución a la que preguntar"))
    probability = models.FloatField(_("probabilidad"))
    explanation = models.JSONField(_("campos coincidentes"), default=dict)
    # Version of the linkage model that scored the pair (engine.registry; "shipped" = the model in the code).
    model_version = models.CharField(_("versión del modelo"), max_length=60, blank=True, default="")
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.OPEN)
    judged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("revisada por"))
    judged_at = models.DateTimeField(_("revisada el"), null=True, blank=True)
    judgement_note = models.CharField(_("nota"), max_length=500, blank=True)
    release = models.CharField(_("solicitud de datos"), max_length=10, choices=Release.choices, blank=True, default="")
    release_purpose = models.CharField(_("finalidad de la solicitud"), max_length=300, blank=True)
    release_requested_at = models.DateTimeField(_("solicitud enviada el"), null=True, blank=True)
    # Prüm II: the asker is told within a set time whether details will be released (both sides carry it).
    reply_due_at = models.DateTimeField(_("plazo de respuesta"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(_("escalada el"), null=True, blank=True)
    # The same person with a different role on each side (victim here, suspect there): each side reviews
    # its own record's role before any release.
    role_conflict = models.BooleanField(_("función distinta en el otro país"), default=False)
    role_reviewed_at = models.DateTimeField(_("función revisada el"), null=True, blank=True)
    role_reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("función revisada por"))
    # What happened to the request, oldest first: [{"at": iso, "event": code}] (codes only, no content).
    history = models.JSONField(_("historial"), default=list, blank=True)
    # True while the notice is "institution" only because its person or case is (it returns to the
    # owner's country when they do): a narrowing the owner did not choose.
    narrowed_by_parent = models.BooleanField(default=False)

    # The audience of the notice's person and case is copied onto the notice itself (issue 17): the
    # actions write a notice no wider than its person and case (``actions.notice_distribution``) and
    # narrow it in the same transaction when either is narrowed to its institution
    # (``do_follow_parent_sharing``, from the cases' save signals), so the policy reads the notice row
    # alone - no probe of a person and a case for every notice a list walks (a deep page of 600 000
    # notices probed 99 000 persons and cases: 2.8 s). Persons and cases are owned by the notice's owner
    # institution, and a notice never leaves its owner's country (``widest_distribution``), so the only
    # narrowing that matters is "institution"; ``test_hit_audience.py`` compares with the policy that
    # joined the person and the case.
    sharing_parent = None
    personal_data = True  # it names the owner's own person
    cross_border_always = True
    widest_distribution = Distribution.COUNTRY
    write_rules = {"judge": _OWNER_DECIDES, "request_release": _OWNER_DECIDES, "decide_release": _OWNER_DECIDES,
                   "review_role": _OWNER_DECIDES}

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["own_record_id", "other_record_id"], name="matching_one_notice_per_side")]
        indexes = [
            # The review queue: the institution's open person hits, most informative first (issue 17).
            models.Index(models.F("owner_institution"), Abs(models.F("probability") - 0.5), models.F("id"),
                         name="matching_hit_review_order", condition=models.Q(status="open", subject="person")),
        ]
        verbose_name = _("coincidencia")
        verbose_name_plural = _("coincidencias")

    def __str__(self) -> str:
        return f"{self.other_country.code} · {self.probability:.0%}"

    def check_sharing_change(self, user, distribution: str) -> None:
        """The owner's own choice of audience: no longer a narrowing that follows the person or case."""
        self.narrowed_by_parent = False

    def clean_sharing(self) -> None:
        """Besides the common rules, never wider than the person and case it names (their audience is
        copied here, not looked up by the policy)."""
        super().clean_sharing()
        from .actions import parents_allow_country  # local: actions import this module

        if (self.distribution != Distribution.INSTITUTION and self.own_person_id
                and not parents_allow_country(self.own_person)):
            raise ValidationError({"distribution": _(
                "Un registro derivado puede restringir, pero nunca ampliar, la distribución del registro del que depende."
            )})


class ReleasedRecord(ProtectedModel):
    """What the owner chose to disclose after approving a release: a snapshot, shared with one country.

    Owned by the disclosing institution and shared (a sharing group) with the asking country only;
    like the notices, every read of it needs cross-border standing.
    """

    notice = models.ForeignKey(HitNotice, on_delete=models.PROTECT, related_name="releases",
                               verbose_name=_("coincidencia del propietario"))
    recipient_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    pair_key = models.CharField(max_length=140, db_index=True)
    content = models.JSONField(_("datos compartidos"))

    personal_data = True
    cross_border_always = True
    # The disclosing institution may narrow (withdraw) or re-scope what it released; nobody edits it.
    write_rules = {"share": _OWNER_DECIDES}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("datos compartidos tras una coincidencia")
        verbose_name_plural = _("datos compartidos tras coincidencias")

    def __str__(self) -> str:
        return str(self.content.get("name", "—"))


class UncertainPair(ProtectedModel):
    """A pair the online check scored in the uncertain band, below the hit threshold (``band.py``).

    Owned by the institution whose record was checked and seen by its reviewers only, in the review
    queue: it is not a hit, it is not in the hit list, the other country is told nothing and nothing
    can be released. A reviewer's "the same person" turns it into an ordinary hit on both sides (the
    normal flow: notices, deadline, audit); "not the same" closes the pair for good - never proposed
    again, neither here nor as a hit. Either verdict is a label of the next estimation. It names the
    owner's own record and which of its fields agreed, never the other country's data.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Por revisar")
        SAME = "same", _("Es la misma persona")
        NOT_SAME = "not_same", _("No es la misma persona")
        UNSURE = "unsure", _("No se puede determinar")
        PROMOTED = "promoted", _("Pasó a ser una coincidencia")
        WITHDRAWN = "withdrawn", _("Retirado")

    own_person = models.ForeignKey("cases.Entity", on_delete=models.CASCADE, related_name="uncertain_pairs",
                                   verbose_name=_("registro propio"))
    own_record_id = models.CharField(max_length=64, db_index=True)
    other_record_id = models.CharField(max_length=64, db_index=True)
    # One row per pair, whichever side's check found it first: one verdict closes the pair for both.
    pair_key = models.CharField(max_length=140, unique=True)
    # Kept to turn the pair into a hit; never shown before a reviewer says "the same person".
    other_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("otro país"))
    probability = models.FloatField(_("probabilidad"))
    explanation = models.JSONField(_("campos coincidentes"), default=dict)
    model_version = models.CharField(_("versión del modelo"), max_length=60, blank=True, default="")
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    judged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("revisado por"))
    judged_at = models.DateTimeField(_("revisado el"), null=True, blank=True)
    judgement_note = models.CharField(_("nota"), max_length=500, blank=True)
    # The owner's side of the hit a "the same person" verdict created.
    hit = models.ForeignKey(HitNotice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("coincidencia"))

    sharing_parent = "own_person"
    personal_data = True
    cross_border_always = True  # it is about another country's record
    widest_distribution = Distribution.INSTITUTION  # the owning institution's reviewers only
    write_rules = {"judge": Rule(who=(OWNER_INSTITUTION,), permission="matching.change_uncertainpair")}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("par dudoso")
        verbose_name_plural = _("pares dudosos")

    def __str__(self) -> str:
        return f"{self.probability:.0%}"


access_hitnotice_by_id = make_accessor(HitNotice)
access_uncertainpair_by_id = make_accessor(UncertainPair)
access_releasedrecord_by_id = make_accessor(ReleasedRecord)

# The shared matching index (system tables of the online check), registered with this app.
from .index_models import IndexCount, IndexedRecord, IndexKey  # noqa: E402,F401
