import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0008_names_in_each_language"),
        ("segments", "0007_event_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="clubevent",
            name="attendance_points",
            field=models.PositiveIntegerField(default=0, verbose_name="points for coming"),
        ),
        migrations.AddField(
            model_name="clubevent",
            name="program",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="club_events",
                to="loyalty.program",
            ),
        ),
        migrations.AddConstraint(
            model_name="clubevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("attendance_points", 0), ("program__isnull", False), _connector="OR"),
                name="event_points_in_a_program",
            ),
        ),
    ]
