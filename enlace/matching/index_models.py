"""Tables of the matching index shared by every process (see ``enlace.matching.index``).

They hold the engine's normalised form of every matchable person and its blocking keys: system
data read only by the online check, never shown to an official (the check discloses a result only
as a hit notice). They are not protected records: nobody reads them through a list or the API.
"""

from django.db import models


class IndexedRecord(models.Model):
    """One matchable person in the engine's normalised form (``Features`` as a JSON list)."""

    record_id = models.CharField(max_length=64, primary_key=True)
    source_country = models.CharField(max_length=3)
    features = models.JSONField()
    # The engine version the features were computed with: ``enlace match-all`` rebuilds stale rows.
    engine_version = models.CharField(max_length=16)

    class Meta:
        verbose_name = "indexed record"


class IndexKey(models.Model):
    """One posting: ``key`` is ``"<key column>=<value>"`` of a blocking key the record has."""

    id = models.BigAutoField(primary_key=True)
    record = models.ForeignKey(IndexedRecord, on_delete=models.CASCADE, related_name="keys")
    key = models.TextField()

    class Meta:
        # The lookup of the online check: every posting of a few keys, in one index range scan each.
        indexes = [models.Index(fields=["key"], name="matching_indexkey_key")]
        verbose_name = "index key"


class IndexCount(models.Model):
    """Counters kept with the postings: records in the index (``column=""``), non-null values of a
    term-frequency column (``value=""``) and records per value (the term frequencies of the model)."""

    column = models.CharField(max_length=40)
    value = models.TextField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["column", "value"], name="matching_indexcount_unique")]
        verbose_name = "index count"
