"""The session timeline as SVG (an image on the session page and the printable summary)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from ketaclinic.core.http import current_user
from ketaclinic.treatment.queries.sessions import get_session, session_state
from ketaclinic.treatment.timeline import timeline_svg


@login_required
def session_timeline(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session(current_user(request), session_id, purpose="figure")
    state = session_state(session)
    charted = state.charted_observations
    moments = [row.taken_at for row in charted] + [row.started_at for row in state.segments]
    origin = session.started_at or (min(moments) if moments else state.now)
    svg = timeline_svg(
        origin=origin,
        until=max([session.stopped_at or state.now, *moments]),
        segments=state.segments,
        doses=state.doses,
        observations=charted,
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
