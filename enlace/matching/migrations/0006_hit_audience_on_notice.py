"""Issue 17: the audience of a notice's person and case is copied onto the notice (``HitNotice.sharing_parent``).

Existing notices are narrowed to what the policy showed when it joined the person and the case: to
their institution when the person or the case is (``narrowed_by_parent``), to the owner's country when
the notice reached further than a person or case it names (a notice never leaves its country now).
The review queue gets its ordered index.
"""

import django.db.models.expressions
import django.db.models.functions.math
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q


def narrow_existing(apps, schema_editor):
    HitNotice = apps.get_model("matching", "HitNotice")
    named = HitNotice.objects.filter(own_person__isnull=False)
    institution_parent = Q(own_person__distribution="institution") | Q(own_person__case__distribution="institution")
    named.filter(institution_parent).exclude(distribution="institution").update(
        distribution="institution", sharing_group=None, narrowed_by_parent=True)
    same_as_parents = Q(own_person__distribution=F("distribution"), own_person__case__distribution=F("distribution"),
                        own_person__sharing_group=F("sharing_group"), own_person__case__sharing_group=F("sharing_group"))
    same_as_network = Q(distribution="network", own_person__distribution="network",
                        own_person__case__distribution="network")
    (named.filter(distribution__in=["group", "network", "public"]).exclude(same_as_parents | same_as_network)
     .update(distribution="country", sharing_group=None))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_list_indexes_and_trigram_search'),
        ('core', '0001_initial'),
        ('matching', '0005_uncertain_pair'),
        ('sharing', '0002_group_source_and_validity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hitnotice',
            name='narrowed_by_parent',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(narrow_existing, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='hitnotice',
            index=models.Index(models.F('owner_institution'), django.db.models.functions.math.Abs(django.db.models.expressions.CombinedExpression(models.F('probability'), '-', models.Value(0.5))), models.F('id'), condition=models.Q(('status', 'open'), ('subject', 'person')), name='matching_hit_review_order'),
        ),
    ]
