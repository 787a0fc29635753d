from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from ketaclinic.accounts.models import User
from ketaclinic.core.navigation import items_for


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def navigation(request: HttpRequest) -> dict[str, list[NavLink]]:
    """The navigation for the logged-in user, with the section being viewed marked."""
    user = getattr(request, "user", None)
    if not (isinstance(user, User) and user.is_authenticated):
        return {"nav_items": []}
    links = []
    for item in items_for(user):
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        links.append(NavLink(label=item.label, url=url, current=current))
    return {"nav_items": links}
