"""Opens and clicks of marketing e-mail: the pixel and the tracked links record the first open and click
(and count clicks), a repeat changes nothing but the count, a changed token is a 404 (never a redirect
elsewhere, never a 500), an unknown message answers like a known one, and service messages carry nothing."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier
from urllib.parse import urlparse

import pytest
import time_machine
from django.db import connection
from django.test import Client

from patronage.core.message_kinds import MessageKind, message_kind_register
from patronage.members.models import Member
from patronage.members.services import consent_set
from patronage.messages.message_services import message_queue, messages_send_due, unsubscribe_url
from patronage.messages.models import Message, MessageTemplate
from patronage.messages.signed_links import signed_url
from patronage.messages.tracking import CLICK_SALT, PIXEL_GIF, click_url, open_url, tracked_html

NOW = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)  # noon in Seoul: no quiet hours
SHOP = "https://shop.example.com/pans?size=28&colour=red"
NEWS = message_kind_register(
    MessageKind(code="test_tracked_news", label="News", purpose="marketing", recipient="member")
)


def _in_seoul(member: Member) -> Member:
    Member.objects.filter(pk=member.pk).update(time_zone="Asia/Seoul")
    member.refresh_from_db()
    return member


def _path(url: str) -> str:
    return urlparse(url).path


def _links(html: str, kind: str) -> list[str]:
    found = re.findall(rf"""(?:href|src)=["'](http://[^"']*/messages/{kind}/[^"']+)["']""", html)
    return [_path(url) for url in found]


@pytest.fixture
def sent(alice: Member, mailoutbox) -> tuple[Message, str]:
    """A marketing e-mail sent to Alice: the message and the HTML that left."""
    alice = _in_seoul(alice)
    consent_set(member=alice, actor=None, purpose="email_marketing", granted=True, method="portal")
    MessageTemplate.objects.create(
        kind=NEWS.code,
        language="en",
        subject="New pans",
        text_body="Our new pans: " + SHOP,
        html_body=(
            "<html><body><p>Our <a href=\"{{ shop }}\">new pans</a>, or <a href='https://example.com/a'>all</a>;"
            ' write to <a href="mailto:shop@example.com">us</a>.</p></body></html>'
        ),
        updated_at=NOW,
    )
    with time_machine.travel(NOW, tick=False):
        message = message_queue(kind=NEWS.code, member=alice, context={"shop": SHOP}, key="news-1")
        assert message is not None
        assert messages_send_due(limit=10) == 1
    message.refresh_from_db()
    [mail] = mailoutbox
    [(html, _type)] = mail.alternatives
    return message, str(html)


def test_the_email_carries_the_pixel_and_its_web_links_go_through_the_redirect(sent):
    message, html = sent

    assert len(_links(html, "o")) == 1
    assert len(_links(html, "c")) == 2  # the two web links; not mailto:, not the unsubscribe link
    assert html.index("/messages/o/") < html.index("</body>")
    assert 'href="mailto:shop@example.com"' in html
    assert f'href="{message.unsubscribe_url}"' in html
    assert "/messages/" not in message.html_body.replace(message.unsubscribe_url, "")  # the log keeps words


def test_the_pixel_records_the_first_open_and_a_repeat_changes_nothing(sent):
    message, html = sent
    [pixel] = _links(html, "o")

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        first = Client().get(pixel)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        again = Client().get(pixel)

    for response in (first, again):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response["Cache-Control"] == "no-store"
        assert response.content == PIXEL_GIF
    message.refresh_from_db()
    assert message.opened_at == NOW + timedelta(hours=1)
    assert (message.clicked_at, message.clicks) == (None, 0)


def test_a_click_redirects_to_the_link_and_counts_every_click_but_keeps_the_first_time(sent):
    message, html = sent
    shop = _links(html, "c")[0]

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        first = Client().get(shop)
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        again = Client().get(shop)

    for response in (first, again):
        assert response.status_code == 302
        assert response["Location"] == SHOP  # the address as written, its &amp; read back as &
        assert response["Cache-Control"] == "no-store"
    message.refresh_from_db()
    assert message.clicks == 2
    assert message.clicked_at == NOW + timedelta(hours=1)
    assert message.opened_at == NOW + timedelta(hours=1)  # a click is an open, the image blocked or not


def test_a_head_request_is_answered_but_not_counted(sent):
    message, html = sent
    assert Client().head(_links(html, "o")[0]).status_code == 200
    assert Client().head(_links(html, "c")[0]).status_code == 302
    message.refresh_from_db()
    assert (message.opened_at, message.clicks) == (None, 0)


def test_a_changed_or_foreign_token_is_a_404_and_changes_nothing(sent):
    message, html = sent
    [pixel] = _links(html, "o")
    click = _links(html, "c")[0]
    unsubscribe_token = _path(unsubscribe_url(member=message.member, channel="email")).split("/")[-2]
    to_javascript = signed_url(
        view="messaging:clicked", data={"m": message.pk, "u": "javascript:alert(1)"}, salt=CLICK_SALT
    )
    to_no_host = signed_url(
        view="messaging:clicked", data={"m": message.pk, "u": "//evil.example"}, salt=CLICK_SALT
    )
    not_a_number = signed_url(view="messaging:clicked", data={"m": "x", "u": SHOP}, salt=CLICK_SALT)
    bad = [
        pixel[:-4] + "abc/",
        click[:-4] + "abc/",
        click.replace(click.split("/")[-2], click.split("/")[-2][::-1]),
        f"/messages/o/{unsubscribe_token}/",  # signed, but for another use
        f"/messages/c/{unsubscribe_token}/",
        "/messages/o/nothing/",
        "/messages/c/.eJyrVkrNS1ayUsrPS1WqBQAjqATr:1/",
        _path(to_javascript),
        _path(to_no_host),
        _path(not_a_number),
    ]
    for path in bad:
        response = Client().get(path)
        assert response.status_code == 404, path
        assert "Location" not in response
    message.refresh_from_db()
    assert (message.opened_at, message.clicked_at, message.clicks) == (None, None, 0)


def test_a_token_for_a_message_that_is_gone_answers_like_any_other(db):
    response = Client().get(_path(open_url(message_id=987_654)))
    assert (response.status_code, response.content) == (200, PIXEL_GIF)
    response = Client().get(_path(click_url(message_id=987_654, target=SHOP)))
    assert (response.status_code, response["Location"]) == (302, SHOP)


def test_the_addresses_need_no_login_and_answer_a_logged_in_person_the_same(sent, client_as, manager):
    _message, html = sent
    for client in (Client(), client_as(manager)):
        assert client.get(_links(html, "o")[0]).status_code == 200
        assert client.get(_links(html, "c")[0])["Location"] == SHOP


def test_a_service_message_carries_no_pixel_and_its_tokens_record_nothing(alice, mailoutbox):
    message = message_queue(
        kind="tier_changed",
        member=alice,
        context={"program": "Hanbit Club", "tier": "Gold", "previous_tier": "Silver", "upgraded": True},
        key="tier-1",
    )
    assert message is not None
    assert messages_send_due(limit=10) == 1
    html = "".join(str(body) for body, _type in mailoutbox[0].alternatives)
    assert "/messages/o/" not in html
    assert "/messages/c/" not in html

    Client().get(_path(open_url(message_id=message.pk)))
    Client().get(_path(click_url(message_id=message.pk, target=SHOP)))
    message.refresh_from_db()
    assert (message.opened_at, message.clicks) == (None, 0)


def test_tracked_html_leaves_a_message_without_html_or_not_marketing_as_it_is():
    plain = Message(pk=5, marketing=True, html_body="")
    service = Message(pk=6, marketing=False, html_body='<a href="https://example.com">x</a>')
    no_body_tag = Message(pk=7, marketing=True, html_body='<p><a href="https://example.com">x</a></p>')

    assert tracked_html(plain) == ""
    assert tracked_html(service) == service.html_body
    tracked = tracked_html(no_body_tag)
    assert tracked.startswith('<p><a href="http')
    assert "/messages/c/" in tracked
    assert tracked.endswith('style="display:block;width:1px;height:1px;border:0">')


@pytest.mark.django_db(transaction=True)
def test_clicks_and_opens_at_once_count_each_click_and_keep_one_first_time(alice, mailoutbox, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")
    alice = _in_seoul(alice)
    consent_set(member=alice, actor=None, purpose="email_marketing", granted=True, method="portal")
    with time_machine.travel(NOW, tick=False):
        message = message_queue(
            kind="campaign", member=alice, context={"subject": "Hi", "body": SHOP}, key="c1"
        )
        assert message is not None
        assert messages_send_due(limit=10) == 1
    [(html, _type)] = mailoutbox[0].alternatives
    pixel, [click] = _links(str(html), "o")[0], _links(str(html), "c")
    hits = 8
    start = Barrier(hits, timeout=60)

    def hit(index: int) -> int:
        start.wait()
        try:
            return Client().get(click if index % 2 else pixel).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=hits) as pool:
        statuses = list(pool.map(hit, range(hits), timeout=120))

    assert sorted(set(statuses)) == [200, 302]
    message.refresh_from_db()
    assert message.clicks == hits // 2
    assert message.opened_at is not None
    assert message.clicked_at is not None
