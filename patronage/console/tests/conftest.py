"""Helpers for the console tests: the staff member who lacks a permission, and readable page text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.http import HttpResponse

from patronage.core.models import User


@pytest.fixture
def staff_without(admin: User, agent: User, analyst: User, manager: User):
    """The first staff user of the cast whose groups lack `permission`, or None when each of them holds it."""

    def find(permission: str) -> User | None:
        return next((user for user in (analyst, agent, manager) if not user.has_staff_perm(permission)), None)

    return find


def page_text(response: HttpResponse) -> str:
    """The response's visible text, tags removed and whitespace collapsed, as a person would read it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
