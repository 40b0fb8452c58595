"""A case's classification is an entry of its own; each customer a notice reached gets the secret of the
link that shows it to them (issue 13). The secret is unique, so the rows there already get one each before
the column is made unique."""

from django.db import migrations, models

import patronage.care.models


def _secrets_give(apps, schema_editor):
    recipient = apps.get_model("care", "NoticeRecipient")
    for pk in recipient.objects.filter(access_token__isnull=True).values_list("pk", flat=True).iterator():
        recipient.objects.filter(pk=pk).update(access_token=patronage.care.models.new_case_token())


class Migration(migrations.Migration):

    dependencies = [
        ("care", "0003_notices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "filed"),
                    ("acknowledged", "acknowledged"),
                    ("reply_out", "reply to the customer"),
                    ("reply_in", "the customer wrote"),
                    ("note", "internal note"),
                    ("status", "status changed"),
                    ("assigned", "assigned"),
                    ("compensation", "compensation"),
                    ("promise", "fix promised"),
                    ("promise_kept", "fix done"),
                    ("follow_up", "follow-up sent"),
                    ("rated", "customer rated"),
                    ("breached", "target missed"),
                    ("warned", "target warning"),
                    ("merged", "merged"),
                    ("matched", "matched to a member"),
                    ("classified", "classified"),
                ],
                max_length=14,
            ),
        ),
        migrations.AlterField(
            model_name="noticerecipient",
            name="opened_at",
            field=models.DateTimeField(blank=True, help_text="when they first opened the link", null=True),
        ),
        migrations.AddField(
            model_name="noticerecipient",
            name="access_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(_secrets_give, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="noticerecipient",
            name="access_token",
            field=models.CharField(default=patronage.care.models.new_case_token, max_length=64, unique=True),
        ),
    ]
