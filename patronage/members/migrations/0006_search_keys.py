"""The customer search finds people by romanised names, card numbers without dashes and phones in any form.

- `Member.name_latin`: the romanised words of the name (members.search_keys.name_latin), filled here for
  every member. It is computed with the current rules, not a copy: a later change of the rules comes
  with its own migration that fills the column again.
- An index on identity values without their dashes, for card numbers typed without them.
- Phone identities stored in the old form (digits, "01012345678") are re-stored in E.164
  ("+821012345678"), read in the business's region (PATRONAGE_DEFAULT_REGION). When the E.164 form is
  already stored (the same number, typed both ways, on two files or on one), the later-converted one keeps
  its old form and is logged: the unique constraint stays, nothing is merged behind anyone's back, and the
  search still finds both (it looks for the old form too). Numbers that are not possible in the region
  keep their old form.
"""

import logging

from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Replace

from patronage.members import search_keys

CHUNK = 2_000
log = logging.getLogger("patronage.members.migrations")


def names_romanise(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    last = 0
    while chunk := list(Member.objects.filter(pk__gt=last).order_by("pk").only("pk", "name")[:CHUNK]):
        for member in chunk:
            member.name_latin = search_keys.name_latin(member.name)
        Member.objects.bulk_update(chunk, ["name_latin"])
        last = chunk[-1].pk


def phones_to_e164(apps, schema_editor):
    Identity = apps.get_model("members", "Identity")
    region = str(getattr(settings, "PATRONAGE_DEFAULT_REGION", "KR") or "KR").upper()
    phones = Identity.objects.filter(kind="phone").exclude(value__startswith="+").order_by("pk")
    last = 0
    while chunk := list(phones.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1].pk
        wanted = {}
        for identity in chunk:
            e164 = search_keys.phone_e164(identity.value, region)
            if e164 and e164 != identity.value:
                wanted[identity] = e164
        taken = set(
            Identity.objects.filter(kind="phone", value__in=set(wanted.values())).values_list("namespace", "value")
        )
        changed = []
        for identity, e164 in wanted.items():
            if (identity.namespace, e164) in taken:
                log.warning(
                    "phone identity %s of member %s keeps its old form: %s is stored already",
                    identity.pk, identity.member_id, e164,
                )
                continue
            taken.add((identity.namespace, e164))
            identity.value = e164
            changed.append(identity)
        Identity.objects.bulk_update(changed, ["value"])


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_member_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='name_latin',
            field=models.CharField(blank=True, default='', editable=False, max_length=500),
        ),
        migrations.AddIndex(
            model_name='identity',
            index=models.Index(Replace('value', Value('-'), Value('')), name='identity_value_compact'),
        ),
        migrations.RunPython(names_romanise, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True),
    ]
