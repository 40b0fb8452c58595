"""Who the demo customers are: names, cities, languages, home channel and brand, identities, consents.

Pure numpy: arrays of indexes into the catalogue; the loader turns them into text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from patronage.demo import catalogue as cat

KOREAN, JAPANESE, LATIN = 0, 1, 2
ORIGIN_SHARES = (0.60, 0.35, 0.05)
FOREIGN_LANGUAGE_SHARE = 0.05  # Korean- or Japanese-named members who chose English
EMAIL_SHARE, PHONE_SHARE, CARD_SHARE = 0.95, 0.80, 0.60
PREFERRED_BRAND_SHARE = 0.65  # Korean members lean to Hanbit Living, Japanese ones to Sora Kitchen
CONSENT_PURPOSES = ("email_marketing", "sms_marketing", "profiling")
CONSENT_SHARES = (0.62, 0.35, 0.50)
DEAL_SEEKER_EMAIL_CONSENT = 0.85  # they want the coupons
WITHDRAWAL_SHARE = 0.10  # of granted consents, later withdrawn on the portal
CITIES = cat.KR_CITIES + cat.JP_CITIES
NAME_LISTS = (
    (cat.KO_FAMILY, cat.KO_GIVEN),
    (cat.JA_FAMILY, cat.JA_GIVEN),
    (cat.LATIN_FAMILY, cat.LATIN_GIVEN),
)


@dataclass
class People:
    index: np.ndarray  # global member number, from 0
    origin: np.ndarray  # KOREAN, JAPANESE or LATIN: which name list
    family: np.ndarray  # index into the origin's family names
    given: np.ndarray  # index into the origin's given names
    city: np.ndarray  # index into CITIES
    english: np.ndarray  # bool: locale "en" instead of the country's language
    age_days: np.ndarray  # age at the period's end, in days
    postal: np.ndarray  # digits of the postal code
    home_channel: np.ndarray  # index into catalogue.CHANNELS
    home_store: np.ndarray  # index into catalogue.STORES: the store near their city
    brand: np.ndarray  # preferred brand, index into catalogue.BRANDS
    has_email: np.ndarray
    has_phone: np.ndarray
    has_card: np.ndarray
    email_domain: np.ndarray

    @property
    def size(self) -> int:
        return int(self.index.size)


@dataclass
class Consents:
    """One row per (member, purpose) answered at joining; withdrawals are a second, later event."""

    member: np.ndarray  # index into People
    purpose: np.ndarray  # index into CONSENT_PURPOSES
    granted: np.ndarray  # bool, at joining
    at: np.ndarray  # epoch seconds of the first answer
    withdrawn_at: np.ndarray  # epoch seconds, or -1 when never withdrawn


def simulate_people(n: int, first_index: int, rng: np.random.Generator) -> People:
    """Profiles for members first_index .. first_index + n - 1."""
    origin = rng.choice(3, size=n, p=ORIGIN_SHARES)
    city = _cities(origin, rng)
    family = np.zeros(n, dtype=np.int64)
    given = np.zeros(n, dtype=np.int64)
    for code, (families, givens) in enumerate(NAME_LISTS):
        mine = origin == code
        weights = _family_weights(code, len(families))
        family[mine] = rng.choice(len(families), size=int(mine.sum()), p=weights)
        given[mine] = rng.integers(len(givens), size=int(mine.sum()))
    korean = np.array([c.country == "KR" for c in CITIES])[city]
    store_of_city = np.array([[s.code for s in cat.STORES].index(c.home_store) for c in CITIES])
    channel_weights = np.array([c.weight for c in cat.CHANNELS])
    prefers_first = rng.random(n) < PREFERRED_BRAND_SHARE
    has_email = rng.random(n) < EMAIL_SHARE
    if first_index == 0 and n:
        has_email[0] = True  # the portal member signs in with an e-mail address
    return People(
        index=np.arange(first_index, first_index + n),
        origin=origin,
        family=family,
        given=given,
        city=city,
        english=(origin == LATIN) | (rng.random(n) < FOREIGN_LANGUAGE_SHARE),
        age_days=rng.integers(20 * 365, 76 * 365, size=n),
        postal=np.where(
            korean, rng.integers(1_000, 63_000, size=n), rng.integers(1_000_000, 10_000_000, size=n)
        ),
        home_channel=rng.choice(len(cat.CHANNELS), size=n, p=channel_weights / channel_weights.sum()),
        home_store=store_of_city[city],
        brand=np.where(korean == prefers_first, 0, 1),
        has_email=has_email,
        has_phone=rng.random(n) < PHONE_SHARE,
        has_card=rng.random(n) < CARD_SHARE,
        email_domain=rng.integers(len(cat.EMAIL_DOMAINS), size=n),
    )


def _family_weights(origin: int, size: int) -> np.ndarray:
    weights = np.asarray(cat.KO_FAMILY_WEIGHTS if origin == KOREAN else np.ones(size), dtype=float)
    return weights / weights.sum()


def _cities(origin: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Korean names live in Korea, Japanese ones in Japan, the others in either."""
    in_korea = np.where(origin == LATIN, rng.random(origin.size) < 0.5, origin == KOREAN)
    kr = np.array([c.weight for c in cat.KR_CITIES])
    jp = np.array([c.weight for c in cat.JP_CITIES])
    kr_city = rng.choice(kr.size, size=origin.size, p=kr / kr.sum())
    jp_city = kr.size + rng.choice(jp.size, size=origin.size, p=jp / jp.sum())
    return np.where(in_korea, kr_city, jp_city)


def simulate_consents(
    people: People, deal_seeker: np.ndarray, join_at: np.ndarray, end_epoch: int, rng: np.random.Generator
) -> Consents:
    """Every member answers each purpose when joining; some later withdraw a grant."""
    n, k = people.size, len(CONSENT_PURPOSES)
    shares = np.tile(np.asarray(CONSENT_SHARES), (n, 1))
    shares[deal_seeker, 0] = DEAL_SEEKER_EMAIL_CONSENT
    granted = rng.random((n, k)) < shares
    withdrawn = granted & (rng.random((n, k)) < WITHDRAWAL_SHARE)
    at = np.repeat(join_at, k).reshape(n, k)
    withdrawn_at = np.where(withdrawn, at + rng.random((n, k)) * (end_epoch - at), -1).astype(np.int64)
    return Consents(
        member=np.repeat(np.arange(n), k),
        purpose=np.tile(np.arange(k), n),
        granted=granted.ravel(),
        at=at.ravel(),
        withdrawn_at=withdrawn_at.ravel(),
    )
