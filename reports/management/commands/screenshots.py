"""Screenshots of the therapist's pages and the client's page for the README, from the demo data.

Starts this project's server on a free port, logs in as the demo therapist and as a
demo client on a phone-sized screen in Debian's Chromium (driven by Playwright) and
saves PNGs. Needs the dev extras and
`apt-get install chromium`; `make screenshots` runs it after loading the demo.

The EMDR screens are the demo's two clients in EMDR: the progress report's EMDR section
of the one whose targets resolve (#00), the session prep's EMDR part of the one with an
incomplete session and a trigger logged again and again (#03), and the TICES log form
of #00 on a phone, filled in but not sent: taking the pictures stores nothing.
"""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from clients.models import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
THERAPIST = "dana@harbor.example"
CLIENT = "client01@harbor.example"
PHONE = {"width": 390, "height": 844}
NARROWEST = 360  # the client's page must not scroll sideways on a screen this wide
MARGIN = 16  # px of the page around a part of it shot on its own


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = (
        "Save screenshots of the caseload, a progress report, a session-prep report, "
        "the client's check-in page on a phone, and the EMDR screens (the progress "
        "report's EMDR section, the session prep's EMDR part, the TICES log on a phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--password", default="demo-healing-2026")

    def handle(self, *args, **options):
        if not Path(CHROMIUM).exists():
            raise CommandError("Chromium is needed: apt-get install -y chromium")
        from playwright.sync_api import sync_playwright

        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        mine = Client.objects.filter(primary_therapist__user__email=THERAPIST)
        healing = mine.get(label__endswith="#00")
        stuck = mine.get(label__endswith="#03")
        alerted = mine.get(label__endswith="#09")
        if not (healing.emdr_targets.exists() and stuck.emdr_targets.exists()):
            raise CommandError(
                gettext("The demo clients #00 and #03 have no EMDR targets: run seed_demo first.")
            )
        tices_login = healing.user.email  # read now: no ORM inside Playwright's loop
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - this interpreter and manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self._wait(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.goto(base + "/accounts/login/")
                page.screenshot(path=str(out / "login.png"))
                page.fill("#id_username", THERAPIST)
                page.fill("#id_password", options["password"])
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                shots = [
                    ("caseload.png", "/", False),
                    ("progress-report.png", f"/clients/{healing.pk}/?window=12w", True),
                    ("progress-report-stuck.png", f"/clients/{stuck.pk}/?window=4w", True),
                    ("session-prep.png", f"/clients/{alerted.pk}/prep/", True),
                ]
                for name, path, full_page in shots:
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    self._draw_every_chart(page)
                    page.wait_for_timeout(400)  # let Plotly finish its layout
                    page.screenshot(path=str(out / name), full_page=full_page)
                    self.stdout.write(f"saved {out / name}")
                self._emdr_pages(page, base, out, healing=healing, stuck=stuck)
                self._client_page(browser, base, out, options["password"])
                self._client_tices(browser, base, out, tices_login, options["password"])
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    def _client_page(self, browser, base: str, out: Path, password: str) -> None:
        """The client's page on a phone: the check-in with a few feelings labelled and
        rated, the safety question answered yes, and an exercise opened to record it."""
        page = browser.new_page(viewport=PHONE)
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", CLIENT)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.set_viewport_size({"width": NARROWEST, "height": PHONE["height"]})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROWEST:
            raise CommandError(f"the client's page is {width} px wide at {NARROWEST} px")
        page.set_viewport_size(PHONE)
        for code, intensity in (("sad", "7"), ("longing", "5"), ("hopeful", "3")):
            page.check(f"#emotion-{code}")
            page.fill(f"#intensity-{code}", intensity)
        page.fill("#scale-distress", "6")
        page.fill("#scale-charge", "2")
        self._shot(page, out / "client-check-in.png", "body")
        self._shot(page, out / "client-sliders.png", "#strength-sad")
        page.check("#safety-yes")
        self._shot(page, out / "client-safety.png", "fieldset.safety")
        page.click("details.record summary >> nth=0")
        self._shot(page, out / "client-exercises.png", "#h-exercises")
        page.close()

    def _emdr_pages(self, page, base: str, out: Path, *, healing, stuck) -> None:
        """The progress report's EMDR section with its charts drawn (targets resolving),
        and the session prep's EMDR part (an incomplete session, a trigger logged again)."""
        page.goto(f"{base}/clients/{healing.pk}/?window=12w")
        page.wait_for_load_state("networkidle")
        self._draw_every_chart(page)
        page.wait_for_timeout(400)  # let Plotly finish its layout
        self._part(page, "#emdr", out / "emdr-progress.png")
        page.goto(f"{base}/clients/{stuck.pk}/prep/")
        page.wait_for_load_state("networkidle")
        self._part(page, "section.prep-emdr", out / "emdr-prep.png")

    def _client_tices(self, browser, base: str, out: Path, email: str, password: str) -> None:
        """The TICES log form on a phone, filled in as far as the button, and not sent."""
        page = browser.new_page(viewport=PHONE, has_touch=True)
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.click("section.tices-card a.button")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            raise CommandError(
                gettext("The TICES log is %(width)d px wide on a %(phone)d px phone.")
                % {"width": width, "phone": PHONE["width"]}
            )
        page.fill("#id_trigger", "My friend read my message and did not answer all evening")
        page.fill("#id_cognition", "I am too much for people")
        for code in ("anxious", "lonely"):
            page.check(f"#emotion-{code}")
        page.fill("#id_sensation", "Stomach drops")
        page.check("#disturbance-6")
        page.select_option("#id_target", label="Messages left unanswered")
        page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
        # From the top of the page to the button: the form whole, as it is scrolled through.
        button = page.locator(".tices-form button[type=submit]").bounding_box()
        bottom = page.evaluate("window.scrollY") + button["y"] + button["height"] + MARGIN
        path = out / "client-tices.png"
        page.screenshot(
            path=str(path),
            full_page=True,
            clip={"x": 0, "y": 0, "width": PHONE["width"], "height": bottom},
        )
        self.stdout.write(f"saved {path}")
        page.close()

    def _part(self, page, selector: str, path: Path) -> None:
        """One part of the page, with a little of the page around it."""
        part = page.locator(selector).first
        part.scroll_into_view_if_needed()
        box = part.bounding_box()
        top = page.evaluate("window.scrollY") + box["y"]
        page.screenshot(
            path=str(path),
            full_page=True,
            clip={
                "x": max(0, box["x"] - MARGIN),
                "y": max(0, top - MARGIN),
                "width": box["width"] + 2 * MARGIN,
                "height": box["height"] + 2 * MARGIN,
            },
        )
        self.stdout.write(f"saved {path}")

    def _draw_every_chart(self, page) -> None:
        """Charts are drawn as they come into view: bring each one in, wait for it."""
        charts = page.locator("[data-figure]")
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            page.wait_for_function("(n) => n.dataset.drawn === 'true'", arg=chart.element_handle())
        page.evaluate("window.scrollTo(0, 0)")

    def _shot(self, page, path: Path, top: str) -> None:
        page.locator(top).first.evaluate(
            "node => window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 12)"
        )
        page.wait_for_timeout(100)
        page.screenshot(path=str(path))
        self.stdout.write(f"saved {path}")

    def _wait(self, base: str) -> None:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own server
                return
            except OSError:
                time.sleep(0.5)
        raise CommandError("the server did not start")
