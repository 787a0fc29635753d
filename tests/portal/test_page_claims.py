"""Words match what the software does: the public and patient pages claim nothing it does not
enforce, and say plainly that ketamine is not first line, that whether its benefit lasts is not
yet known, and that a headache specialist decides whether it fits."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ketaclinic.portal.public_views import TOPICS

pytestmark = pytest.mark.django_db

# Claims the software does not enforce (a protocol may set any vitals interval; there is no
# bladder or liver monitoring schedule; home intranasal protocols exist; no call-back is sent).
UNENFORCED = (
    "every 15 minutes",
    "only where trained staff can watch you",
    "checks for these problems",
    "checks for bladder and liver problems",
    "will talk with you before any further session",
    "a clinician will contact you",
    "We will contact you",
    "watches you throughout",
)


def text_of(client, url: str) -> str:
    page = client.get(url).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def public_pages(client) -> dict[str, str]:
    pages = {"landing": text_of(client, reverse("core:home"))}
    for topic in TOPICS:
        pages[topic] = text_of(client, reverse("portal:learn", args=[topic]))
    return pages


def test_no_public_page_claims_what_the_software_does_not_enforce(public_pages):
    for name, text in public_pages.items():
        for claim in UNENFORCED:
            assert claim.lower() not in text.lower(), (name, claim)


def test_the_public_pages_say_not_first_line_not_known_long_term_and_specialist_decides(
    public_pages,
):
    for name in ("landing", "ketamine", "who"):
        text = public_pages[name]
        assert "not a first-line treatment" in text, name
        assert re.search(r"headache specialist[^.]*decides|decides[^.]*headache specialist", text)
    assert "long-term effectiveness is not yet known" in public_pages["ketamine"]
    assert "whether its benefit lasts in the long term is not yet known" in public_pages["landing"]


def test_the_safety_page_says_what_the_software_does(public_pages):
    safety = public_pages["safety"]
    assert "The software shows the nurse when the next check is due" in safety
    assert "tells the nurse to pause the treatment and call the doctor" in safety
    assert "at least two hours after a nasal spray or inhaled dose" in safety
    assert "at least half an hour after an infusion ends" in safety
    assert "no further session can start until a clinician has reviewed it" in safety
    assert "911" in safety
    assert "988" in safety


def test_the_consultation_thanks_page_promises_no_call_back(world, client):
    from tests.portal.test_public_pages import request_form

    response = client.post(reverse("portal:consultation"), request_form(world), follow=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Your request is in the clinic's queue" in text
    assert "We will contact you" not in text
