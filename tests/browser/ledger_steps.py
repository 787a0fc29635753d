"""The ledger steps inside the nurse's session page, shared by the browser tests: draw before
the start; after the stop, book what the session record says was given and waste the rest
before a witness (drawn = administered + wasted, or the session cannot close)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_PASSWORD


def draw(page: Page, ml: str, container: str | None = None) -> None:
    """Draw ``ml`` mL from ``container`` (a code or lot in the option's text; the first listed
    in-date container when None)."""
    form = page.locator("#ledger-panel form[action$='/draw/']")
    if container is not None:
        option = form.locator("option", has_text=container).first
        form.get_by_label("Container").select_option(option.get_attribute("value"))
    form.get_by_label("Quantity").fill(ml)
    form.get_by_label("Unit").select_option("ml")
    form.get_by_role("button", name="Record the draw").click()
    expect(page.get_by_text(re.compile(r"^Drawn [\d.,]+ mg from "))).to_be_visible()


def book_and_waste(page: Page, witness: str = "nurse2") -> None:
    """Book the administered amount, then waste the remainder (prefilled) before ``witness``."""
    panel = page.locator("#ledger-panel")
    panel.get_by_role("button", name=re.compile(r"^Book .* as administered$")).click()
    expect(page.get_by_text(re.compile(r"^Booked [\d.,]+ mg as administered"))).to_be_visible()
    form = panel.locator("form[action$='/waste/']")
    form.get_by_label("Witness username").fill(witness)
    form.get_by_label("Witness password").fill(DEMO_PASSWORD)
    form.get_by_role("button", name="Record the witnessed waste").click()
    expect(page.get_by_text(re.compile(r"^Wasted [\d.,]+ mg, witnessed by "))).to_be_visible()
    expect(page.locator("#ledger-panel")).to_contain_text("Balanced: drawn = given + wasted")
