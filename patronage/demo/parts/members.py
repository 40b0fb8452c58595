"""The members' part of the demo: the customer file of each chunk (members, identities, consents,
tags and the `joined` event of the timeline), and the tags it points at."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
from django.apps import apps

from patronage.demo import catalogue as cat
from patronage.demo.model import DAY
from patronage.demo.people import CITIES, CONSENT_PURPOSES, KOREAN, LATIN, NAME_LISTS
from patronage.demo.simulate import Chunk
from patronage.demo.world import Context, Part, World
from patronage.members.cards import card_numbers_new
from patronage.members.models import Consent, ConsentEvent, Identity, Member, Tag, TimelineEvent
from patronage.members.normalise import name_key, name_latin
from patronage.members.services import IdentityInput, member_create

VIP_SPEND = 1_000_000  # KRW over the period, with at least VIP_PURCHASES purchases
VIP_PURCHASES = 5
PORTAL_CHANNELS = ("online", "app")  # members who joined there gave their consents on the portal
EVIDENCE = {
    "portal": "Sign-up form on the member portal",
    "import": "Paper sign-up form, imported from the store's POS",
}
WITHDRAWAL_EVIDENCE = "Withdrawn on the member portal"


def _name_tables() -> tuple[list[str], list[str], list[str], list[str], np.ndarray]:
    """Every (origin, family, given) combination's full name, name key, romanised key and e-mail local part."""
    full: list[str] = []
    keys: list[str] = []
    latin: list[str] = []
    locals_: list[str] = []
    offsets: list[int] = []
    for origin, (families, givens) in enumerate(NAME_LISTS):
        offsets.append(len(full))
        for family in families:
            for given in givens:
                if origin == KOREAN:
                    name = family.native + given.native
                elif origin == LATIN:
                    name = f"{given.native} {family.native}"
                else:
                    name = f"{family.native} {given.native}"
                full.append(name)
                keys.append(name_key(name))
                latin.append(name_latin(name))
                locals_.append(f"{given.latin}.{family.latin}")
    return full, keys, latin, locals_, np.asarray(offsets)


NAMES, NAME_KEYS, NAME_LATIN, EMAIL_LOCALS, NAME_OFFSETS = _name_tables()


MEMBER_FIELDS = (
    "id",
    "name",
    "name_key",
    "name_latin",
    "birth_date",
    "locale",
    "time_zone",
    "address",
    "city",
    "postal_code",
    "country",
    "preferences",
    "user",
    "source",
    "status",
    "joined_at",
    "created_at",
    "updated_at",
)


def _name_index(chunk: Chunk) -> np.ndarray:
    people = chunk.people
    given_counts = np.array([len(givens) for _families, givens in NAME_LISTS])
    return NAME_OFFSETS[people.origin] + people.family * given_counts[people.origin] + people.given


def member_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    people = chunk.people
    name = _name_index(chunk).tolist()
    korean = np.array([c.country == "KR" for c in CITIES])[people.city]
    locale = np.where(people.english, "en", np.where(people.origin == KOREAN, "ko", "ja")).tolist()
    postal = [
        f"{code:05d}" if kr else f"{code // 10_000:03d}-{code % 10_000:04d}"
        for code, kr in zip(people.postal.tolist(), korean.tolist(), strict=True)
    ]
    end_day = context.end_epoch // DAY
    birth = np.datetime_as_string((end_day - people.age_days).astype("datetime64[D]")).tolist()
    preferences = [f'{{"favourite_brand": "{b.code}"}}' for b in cat.BRANDS]
    source = [c.code for c in cat.CHANNELS]
    user: list[int | None] = [None] * people.size
    if people.size and people.index[0] == 0:
        user[0] = context.portal_user_id
    columns = zip(
        context.ids.member.tolist(),
        name,
        birth,
        locale,
        people.city.tolist(),
        postal,
        people.brand.tolist(),
        user,
        people.home_channel.tolist(),
        context.times(chunk.join_at),
        strict=True,
    )
    now = context.now
    for member_id, name_index, born, language, city, postal_code, brand, user_id, channel, joined in columns:
        place = CITIES[city]
        yield (
            member_id, NAMES[name_index], NAME_KEYS[name_index], NAME_LATIN[name_index], born, language, place.time_zone, "", place.name,
            postal_code, place.country, preferences[brand], user_id, source[channel], "active", joined, now, now,
        )  # fmt: skip


IDENTITY_FIELDS = ("member", "kind", "namespace", "value", "is_primary", "verified_at", "created_at")


def identity_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """E-mail, phone and card for most members, an external id (the POS or shop customer number) for all."""
    yield from _email_rows(chunk, context)
    yield from _phone_rows(chunk, context)
    yield from _card_rows(chunk, context)
    yield from _external_id_rows(chunk, context)


def _joined_on_portal(home_channel: np.ndarray) -> np.ndarray:
    return np.isin(home_channel, [i for i, c in enumerate(cat.CHANNELS) if c.code in PORTAL_CHANNELS])


def _email_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """minjun.kim123@example.com; member number 0 is the portal member. Verified when given on the portal."""
    people = chunk.people
    local = np.asarray(EMAIL_LOCALS, dtype=object)[_name_index(chunk)]
    verified = context.times(np.where(_joined_on_portal(people.home_channel), chunk.join_at, -1))
    rows = np.flatnonzero(people.has_email)
    columns = zip(
        rows.tolist(),
        context.ids.member[rows].tolist(),
        local[rows].tolist(),
        people.index[rows].tolist(),
        people.email_domain[rows].tolist(),
        strict=True,
    )
    for i, member_id, name, number, domain in columns:
        email = cat.PORTAL_MEMBER_EMAIL if number == 0 else f"{name}{number}@{cat.EMAIL_DOMAINS[domain]}"
        yield member_id, "email", "", email, True, verified[i], context.now


# Phone and card numbers are an affine map of the member number modulo a power of ten (the factor is
# a prime other than 2 and 5), so each is unique and they do not look sequential.


def _phone_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    people = chunk.people
    rows = np.flatnonzero(people.has_phone)
    prefix = np.where(np.array([c.country for c in CITIES])[people.city[rows]] == "KR", "+8210", "+8190")
    digits = (people.index[rows] * 48_271 + 12_345_678) % 10**8
    columns = zip(context.ids.member[rows].tolist(), prefix.tolist(), digits.tolist(), strict=True)
    for member_id, country, number in columns:
        yield member_id, "phone", "", f"{country}{number:08d}", True, None, context.now


def _card_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """A loyalty card of the member's favourite brand (HL-0123456789), or else one the product issues.

    Issued numbers are random (members.cards), as for every member whose file is opened without a card;
    the demo writes into an empty customer file, so they need no check against stored ones.
    """
    people = chunk.people
    rows = np.flatnonzero(people.has_card)
    prefix = [b.sku_prefix for b in cat.BRANDS]
    numbers = (people.index[rows] * 7_919 + 1_000_000_000) % 10**10
    columns = zip(
        context.ids.member[rows].tolist(), people.brand[rows].tolist(), numbers.tolist(), strict=True
    )
    for member_id, brand, number in columns:
        yield member_id, "card", "", f"{prefix[brand]}-{number:010d}", True, None, context.now
    without_card = context.ids.member[np.flatnonzero(~people.has_card)].tolist()
    for member_id, issued in zip(without_card, card_numbers_new(len(without_card)), strict=True):
        yield member_id, "card", "", issued, True, None, context.now


def _external_id_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """The customer number of the system the member joined through: the POS or the shop."""
    people = chunk.people
    store_channel = [c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)
    in_store = (people.home_channel == store_channel).tolist()
    for member_id, number, pos in zip(
        context.ids.member.tolist(), people.index.tolist(), in_store, strict=True
    ):
        yield member_id, "external", "pos" if pos else "shop", f"C{number:09d}", True, None, context.now


CONSENT_FIELDS = ("member", "purpose", "granted", "updated_at")
CONSENT_EVENT_FIELDS = ("member", "purpose", "granted", "method", "evidence", "at")


def consent_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    consents = chunk.consents
    member = context.ids.member[consents.member].tolist()
    withdrawn = consents.withdrawn_at >= 0
    granted = (consents.granted & ~withdrawn).tolist()
    updated = context.times(np.where(withdrawn, consents.withdrawn_at, consents.at))
    purpose = consents.purpose.tolist()
    for i, member_id in enumerate(member):
        yield member_id, CONSENT_PURPOSES[purpose[i]], granted[i], updated[i]


def consent_event_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """The answer given at joining (on the portal or on a paper form imported later), then withdrawals."""
    consents = chunk.consents
    member = context.ids.member[consents.member].tolist()
    portal = _joined_on_portal(chunk.people.home_channel[consents.member]).tolist()
    purpose = consents.purpose.tolist()
    granted = consents.granted.tolist()
    at = context.times(consents.at)
    for i, member_id in enumerate(member):
        method = "portal" if portal[i] else "import"
        yield member_id, CONSENT_PURPOSES[purpose[i]], granted[i], method, EVIDENCE[method], at[i]
    withdrawn = np.flatnonzero(consents.withdrawn_at >= 0)
    withdrawn_at = context.times(consents.withdrawn_at[withdrawn])
    for j, i in enumerate(withdrawn.tolist()):
        yield member[i], CONSENT_PURPOSES[purpose[i]], False, "portal", WITHDRAWAL_EVIDENCE, withdrawn_at[j]


def tag_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    """newsletter: e-mail marketing granted at the end; app-user: joined on the app; vip-candidate: big spenders."""
    consents = chunk.consents
    email = (consents.purpose == CONSENT_PURPOSES.index("email_marketing")) & consents.granted
    email &= consents.withdrawn_at < 0
    total, count = chunk.spend_per_customer()
    app = [c.code for c in cat.CHANNELS].index("app")
    tagged = {
        cat.TAG_NEWSLETTER: consents.member[email],
        cat.TAG_APP: np.flatnonzero(chunk.people.home_channel == app),
        cat.TAG_VIP: np.flatnonzero((total >= VIP_SPEND) & (count >= VIP_PURCHASES)),
    }
    for tag, members in tagged.items():
        tag_id = context.refs.tag[tag]
        for member_id in context.ids.member[members].tolist():
            yield member_id, tag_id


TIMELINE_FIELDS = (
    "member",
    "kind",
    "occurred_at",
    "summary",
    "data",
    "source_type",
    "source_id",
    "dedupe_key",
    "created_at",
)


def places(store: np.ndarray, channel: np.ndarray) -> list[str]:
    """Where an order was placed, as a person says it: the store's name, else the channel's."""
    stores = [s.name for s in cat.STORES]
    channels = [c.name for c in cat.CHANNELS]
    return [
        stores[s] if s >= 0 else channels[c] for s, c in zip(store.tolist(), channel.tolist(), strict=True)
    ]


def joined_rows(chunk: Chunk, context: Context) -> Iterator[tuple[object, ...]]:
    people = chunk.people
    store_channel = [c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)
    place = places(np.where(people.home_channel == store_channel, people.home_store, -1), people.home_channel)
    channel = [c.code for c in cat.CHANNELS]
    joined = context.times(chunk.join_at)
    for i, member_id in enumerate(context.ids.member.tolist()):
        data = f'{{"channel": "{channel[people.home_channel[i]]}"}}'
        yield member_id, "joined", joined[i], place[i], data, "", "", None, context.now


# --- the part ---------------------------------------------------------------------------------------


def tags_save(world: World) -> None:
    """The tags the members are given, created or found by name."""
    world.refs.tag = {name: Tag.objects.get_or_create(name=name)[0].pk for name in cat.TAGS}
    world.counts["members.Tag"] += len(cat.TAGS)


def chunk_write(world: World, chunk: Chunk, context: Context) -> None:
    """The chunk's members and their file: identities, consents and their history, tags, joining."""
    insert = world.writer.insert
    insert(Member, MEMBER_FIELDS, member_rows(chunk, context))
    insert(Identity, IDENTITY_FIELDS, identity_rows(chunk, context))
    insert(Consent, CONSENT_FIELDS, consent_rows(chunk, context))
    insert(ConsentEvent, CONSENT_EVENT_FIELDS, consent_event_rows(chunk, context))
    insert(Member.tags.through, ("member", "tag"), tag_rows(chunk, context))
    insert(TimelineEvent, TIMELINE_FIELDS, joined_rows(chunk, context))


# One customer in DUPLICATE_EVERY signed up a second time (another channel, a tagged e-mail address, the
# name spaced differently), so that the duplicate finder has real work; at most MAX_DUPLICATES of them.
DUPLICATE_EVERY = 250
MAX_DUPLICATES = 40


def duplicates_plant(world: World) -> None:
    """Second files of the same people, opened through the service as a second sign-up would be; the
    pairs go into the truth document (`duplicates`), for the finder to be checked against."""
    wanted = min(MAX_DUPLICATES, max(3, world.members // DUPLICATE_EVERY))
    with_email = Member.objects.filter(identities__kind="email", birth_date__isnull=False).exclude(
        user__isnull=False
    )
    ids = list(with_email.order_by("pk").values_list("pk", flat=True).distinct())
    chosen = ids[:: max(1, len(ids) // wanted)][:wanted]
    before = _members_rows()
    # They signed up again a season later, within the period (the demo's clock is the period's end).
    last_moment = world.period.end - timedelta(days=1)
    pairs = []
    for member in Member.objects.filter(pk__in=chosen).prefetch_related("identities").order_by("pk"):
        email = next(i.value for i in member.identities.all() if i.kind == "email")
        local, _at, domain = email.partition("@")
        twin = member_create(
            actor=None,
            identities=[IdentityInput("email", f"{local}+shop@{domain}")],
            profile={
                "name": _spaced_otherwise(member.name),
                "birth_date": member.birth_date,
                "city": member.city,
                "postal_code": member.postal_code,
                "country": member.country,
                "locale": member.locale,
                "time_zone": member.time_zone,
            },
            source="online",
            joined_at=min(member.joined_at + timedelta(days=90), last_moment),
        )
        pairs.append([member.pk, twin.pk])
    world.truth["duplicates"] = {"pairs": pairs}
    world.counts.update(_members_rows() - before)
    world.lines.append(f"Duplicates: {len(pairs)} customers signed up twice (Customers → Duplicates)")


def _members_rows() -> Counter[str]:
    models = apps.get_app_config("members").get_models()
    return Counter({model._meta.label: model._default_manager.count() for model in models})


def _spaced_otherwise(name: str) -> str:
    """The name as a second form may hold it: "Kim Minjun" as "Kim  minjun", "김민준" as "김 민준"."""
    if " " in name:
        family, given = name.split(" ", 1)
        return f"{family}  {given.lower()}"
    return f"{name[:1]} {name[1:]}"


PART = Part("members", before=tags_save, per_chunk=chunk_write, after=duplicates_plant)
