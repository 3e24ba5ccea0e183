"""In a real Chromium: stored payloads never run, and the Content-Security-Policy breaks nothing.

Story: in the demo county whose every free-text field holds a payload (tests/test_xss.py), the
county admin opens a person, edits them, and edits a 培育 record whose form names the person in
its help text: no alert dialog ever opens. Then they go through the main pages with the policy
on: the browser reports no violation, the API docs render, the reveal button (htmx) fetches the
full numbers and a delete button (rencai.js) still asks before it deletes.

Needs Chromium at /usr/bin/chromium, as tests/test_browser.py.
"""

import re

import pytest
from test_browser import log_in

from rencai.people.models import Person
from rencai.training.models import Outcome, TrainingProgram
from tests.test_xss import PAYLOADS, hostile_county  # noqa: F401 -- the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# Collects what the browser reports as refused by the policy, before any page script runs.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


class Watch:
    """The dialogs a page opened and the policy violations the browser reported."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.add_init_script(WATCH_CSP)
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def violations(self, page) -> list[str]:
        return [*page.evaluate("window.__csp || []"), *self.console]


def test_stored_payloads_never_run(live_server, hostile_county, page):  # noqa: F811
    admin, _auditor = hostile_county
    watch = Watch(page)
    base = live_server.url
    log_in(page, base, admin.username)
    person = Person.objects.filter(qualifications__isnull=False).first()
    outcome = Outcome.objects.filter(person__isnull=False).first()
    assert person is not None and outcome is not None
    # The two payloads that run when parsed as markup, where the person's name is shown.
    Person.objects.filter(pk=person.pk).update(name=PAYLOADS[0])
    Person.objects.filter(pk=outcome.person_id).update(name=PAYLOADS[1])
    for url in (
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/{outcome.person_id}/",
        f"/training/outcomes/{outcome.pk}/",
        "/people/",
        "/training/outcomes/",
        f"/training/outcomes/{outcome.pk}/edit/",  # its help text names the person
    ):
        response = page.goto(base + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
    assert PAYLOADS[1] in page.inner_text("body")  # shown as text
    assert watch.dialogs == []
    assert watch.violations(page) == []  # nor did one try to (the policy's second line)


def test_main_pages_keep_working_under_the_policy(live_server, hostile_county, page):  # noqa: F811
    admin, _auditor = hostile_county
    admin.can_reveal = True
    admin.save(update_fields=["can_reveal"])
    watch = Watch(page)
    base = live_server.url
    log_in(page, base, admin.username)
    person = Person.objects.filter(qualifications__isnull=False).first()
    program = TrainingProgram.objects.first()
    for url in (
        "/home/",
        "/people/",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        "/orgs/",
        "/census/",
        "/imports/persons/",
        "/training/",
        "/training/programs/",
        f"/training/programs/{program.pk}/",
        "/training/programs/new/",
        "/training/targets/",
        "/training/bases/",
        "/accounts/users/",
    ):
        response = page.goto(base + url)
        assert response.status == 200, url
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
        assert watch.violations(page) == [], url

    # The API docs (Swagger UI) render with their init script served as a file.
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert watch.violations(page) == []

    # htmx: the reveal button swaps in the full numbers.
    page.goto(f"{base}/people/{person.pk}/")
    page.click("#reveal-box button[type=submit]")
    page.wait_for_selector("#revealed-id")
    assert page.inner_text("#revealed-id").strip() == person.id_number
    # rencai.js: deleting a certificate asks first; dismissing keeps it.
    count = person.qualifications.count()
    page.locator("form[data-confirm] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert watch.dialogs and re.search("确认删除", watch.dialogs[-1])
    assert person.qualifications.count() == count
    assert watch.violations(page) == []
