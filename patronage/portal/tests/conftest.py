"""Fixtures the portal's tests share: a loyalty program with tiers, benefits and rewards."""

from patronage.portal.tests.loyalty_fixtures import benefits, program, rewards, tiers

__all__ = ["benefits", "program", "rewards", "tiers"]
