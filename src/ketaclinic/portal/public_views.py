"""Public pages (no log-in): education, the ID-Migraine self-screen, consultation requests."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.accounts.models import Site
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.middleware import client_ip
from ketaclinic.portal import actions, throttle
from ketaclinic.portal.forms import SCREEN_QUESTIONS, ConsultationForm, ScreenForm

logger = logging.getLogger(__name__)
SCREEN_SESSION_KEY = "ketaclinic_id_migraine"
TOPICS = {
    "migraine": ("What migraine is", "Types of migraine, and how it is diagnosed"),
    "ketamine": ("Ketamine for refractory migraine", "How ketamine is given, and what is known"),
    "who": ("Who it is for, and who not", "Refractory migraine, and reasons not to use ketamine"),
    "course": ("What a course looks like", "From the first visit to follow-up"),
    "safety": ("Safety and monitoring", "What is checked before, during and after"),
    "consultation": ("Asking for a consultation", "What to send us, and what happens next"),
}


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html", {"topics": TOPICS})


def learn(request: HttpRequest, topic: str) -> HttpResponse:
    if topic not in TOPICS:
        raise Http404("no such page")
    names = list(TOPICS)
    index = names.index(topic)
    previous = names[index - 1] if index > 0 else None
    following = names[index + 1] if index + 1 < len(names) else None
    return render(
        request,
        f"portal/learn/{topic}.html",
        {
            "topics": TOPICS,
            "topic": topic,
            "title": TOPICS[topic][0],
            "previous": (previous, TOPICS[previous][0]) if previous else None,
            "next": (following, TOPICS[following][0]) if following else None,
        },
    )


def self_screen(request: HttpRequest) -> HttpResponse:
    form = ScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        total, positive = actions.screen(answers)
        request.session[SCREEN_SESSION_KEY] = answers
        return render(
            request,
            "portal/screen_result.html",
            {"total": total, "positive": positive, "questions": SCREEN_QUESTIONS},
        )
    return render(request, "portal/screen.html", {"form": form})


def _site_choices() -> dict[str, Site]:
    return {str(site.pk): site for site in Site.objects.order_by("name")}


def consultation(request: HttpRequest) -> HttpResponse:
    sites = _site_choices()
    form = ConsultationForm(
        request.POST or None, site_choices=[(key, site.name) for key, site in sites.items()]
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(
            scope="consultation",
            key=client_ip(request),
            limit=settings.PORTAL_REQUESTS_PER_HOUR,
        ):
            return render(request, "portal/too_many.html", status=429)
        data = dict(form.cleaned_data)
        if data.pop("website"):
            # A robot filled the hidden field: answer exactly as for a person, store nothing.
            logger.info("consultation request dropped by the honeypot")
            return redirect("portal:consultation_thanks")
        site = sites[data.pop("site")]
        try:
            actions.submit_consultation_request(
                site=site, screen_answers=request.session.get(SCREEN_SESSION_KEY), **data
            )
        except InputRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 422
        else:
            request.session.pop(SCREEN_SESSION_KEY, None)
            return redirect("portal:consultation_thanks")
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "portal/consultation.html",
        {"form": form, "screened": SCREEN_SESSION_KEY in request.session},
        status=status,
    )


def consultation_thanks(request: HttpRequest) -> HttpResponse:
    """The same page for every request: it never says whether the address is known."""
    return render(request, "portal/consultation_thanks.html")
