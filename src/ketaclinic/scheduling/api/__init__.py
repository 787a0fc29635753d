"""``/api/scheduling``: sites' chairs and hours, booking (preview, book, move, cancel, start),
the day's schedule, patients' appointments and change requests, and .ics calendars; one module
per concern.

Days and times in and out are the site's wall-clock time (``day`` and ``start``), with the
site's ``time_zone`` alongside; ``starts_at`` is the same moment as an aware timestamp.
"""

from ninja import Router

from ketaclinic.scheduling.api import booking, calendars, patients, sites

router = Router()
for module in (sites, booking, patients, calendars):
    router.add_router("", module.router)
