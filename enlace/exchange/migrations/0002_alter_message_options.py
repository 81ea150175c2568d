# Message's options as in 0001: this migration was generated while ``Message.Meta`` had lost its
# verbose names by mistake; ``teams.0001_initial`` depends on it, so it stays, restating them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='message',
            options={'ordering': ['created_at', 'pk'], 'verbose_name': 'mensaje', 'verbose_name_plural': 'mensajes'},
        ),
    ]
