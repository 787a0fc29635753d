"""A researcher downloads a de-identified Parquet export from the Exports page, in chromium."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, log_in

pytestmark = pytest.mark.browser


def test_a_researcher_downloads_a_deidentified_export(page: Page, live_app: LiveApp, tmp_path):
    log_in(page, live_app.url, "researcher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exports").click()
    expect(page.get_by_label("De-identify (HIPAA Safe Harbor)")).to_be_disabled()
    page.get_by_label("Format").select_option("parquet")
    page.get_by_role("button", name="Prepare the export").click()
    # Prepared in the background: the job's page shows its progress, then the download.
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible(timeout=120_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("ketaclinic-parquet-deidentified-north-south")
    path = tmp_path / "export.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = sorted(name.split("/", 1)[1] for name in archive.namelist())
        contents = b"".join(archive.read(name) for name in archive.namelist())
    assert names == [
        "adverse_events.parquet",
        "courses.parquet",
        "diary_days.parquet",
        "home_uses.parquet",
        "patients.parquet",
        "questionnaires.parquet",
        "sessions.parquet",
        "vitals.parquet",
    ]
    assert b"Lindqvist" not in contents


def test_the_exports_page_reads_on_a_phone(phone_page: Page, live_app: LiveApp):
    log_in(phone_page, live_app.url, "clinician")
    phone_page.goto(f"{live_app.url}/exports/")
    button = phone_page.get_by_role("button", name="Prepare the export")
    expect(button).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
