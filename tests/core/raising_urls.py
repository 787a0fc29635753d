"""The site's URL conf plus views that raise, for the error-page tests (never served)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ketaclinic.urls import handler400, handler403, handler404, handler500, urlpatterns

SECRET = "secret-sauce: KETACLINIC_SECRET_KEY=hunter2"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
