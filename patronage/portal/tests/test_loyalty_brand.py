"""Each program's part of the member's loyalty pages is headed by its brand, when it has one: a member of
two brands' programs tells them apart."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patronage.commerce.models import Brand
from patronage.loyalty.models import Program

pytestmark = pytest.mark.django_db
BRAND_LINE = re.compile(r'<p class="program-brand">([^<]*)</p>\s*<h2>([^<]*)')


@pytest.mark.parametrize("page", ["portal:points", "portal:benefits", "portal:rewards"])
def test_each_program_is_headed_by_its_brand(alice, program, tiers, client_as, page):
    program.brand = Brand.objects.create(code="hanbit", name="Hanbit Living")
    program.save(update_fields=["brand"])
    Program.objects.create(code="plain", name="Plain Club", currency="KRW")  # no brand: no heading

    html = client_as(alice.user).get(reverse(page)).content.decode()

    assert BRAND_LINE.findall(html) == [("Hanbit Living", "Hanbit Club")]
    assert "Plain Club" in html


def test_the_brands_are_read_in_one_query_whatever_the_number_of_programs(alice, program, client_as):
    client = client_as(alice.user)
    for number in range(3):
        brand = Brand.objects.create(code=f"brand-{number}", name=f"Brand {number}")
        Program.objects.create(code=f"p{number}", name=f"Club {number}", currency="KRW", brand=brand)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:rewards"))
    brand_reads = [q for q in queries.captured_queries if 'FROM "commerce_brand"' in q["sql"]]
    assert len(brand_reads) == 1
