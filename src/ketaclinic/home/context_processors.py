from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.home.navigation import items_for


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """The navigation for the logged-in user, with the section being viewed marked, and the
    user's capabilities (``caps``) so templates can hide what the user may not open."""
    user = getattr(request, "user", None)
    if not (isinstance(user, User) and user.is_authenticated):
        return {"nav_items": [], "caps": frozenset()}
    links = []
    for item in items_for(user):
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        links.append(NavLink(label=item.label, url=url, current=current))
    caps = frozenset(c.value for c in Capability if user.can(c))
    return {"nav_items": links, "caps": caps}
