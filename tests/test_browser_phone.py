"""In a real Chromium, at a phone's 390×844 and at a desktop's 1366×900: every main page is usable.

Story: village clerks enter data on phones. Each role logs in and opens every entry of its menu,
then a list, a detail page, a form, the overview, the census round and the import page. On no page
is a piece of text squeezed narrower than two characters (a name broken one character per line,
a header button wrapped letter by letter), and no page scrolls sideways except inside a table's
own scrolling wrapper. The same walk at desktop size guards against the phone fixes regressing it.
Needs Chromium as tests/test_browser.py does.
"""

import pytest
from test_browser import log_in, screenshot

from rencai.people.models import Person
from tests.test_census import census  # noqa: F401 -- the fixture
from tests.test_training import Training

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# What a clerk could not read: visible text in a box narrower than two characters that it does
# not fit in (so it wraps a character or so per line), and a page wider than the screen.
PROBLEMS = """
() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const squeezed = [];
  for (const el of document.body.querySelectorAll("*")) {
    let text = "";
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
    }
    text = text.replace(/\\s+/g, " ").trim();
    if (text.length < 2) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // hidden, or visually-hidden for readers
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest(".visually-hidden, [hidden]")) continue;
    const size = parseFloat(style.fontSize);
    canvas.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
    const natural = canvas.measureText(text).width;
    if (box.width < 2 * size && natural > box.width + 2) {
      squeezed.push(el.tagName + " «" + text.slice(0, 20) + "» " + Math.round(box.width) + "px");
    }
  }
  const page = document.scrollingElement;
  return {squeezed: squeezed, wide: page.scrollWidth > window.innerWidth ? page.scrollWidth : 0};
}
"""


def walk(page, base: str, username: str, extra: list[str]) -> list[str]:
    """Every menu entry of the account, then the extra pages; what is wrong on each."""
    log_in(page, base, username)
    menu = page.eval_on_selector_all("#mainnav .nav-link", "links => links.map(a => a.href)")
    found = []
    for url in [*dict.fromkeys(menu), *(base + path for path in extra)]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        problems = page.evaluate(PROBLEMS)
        if problems["squeezed"] or problems["wide"]:
            width = page.viewport_size["width"]
            name = url.removeprefix(base).strip("/").replace("/", "_") or "root"
            screenshot(page, f"phone_{width}_{username}_{name}.png")
            found.append(f"{url}: {problems}")
    page.goto(base + "/home/")
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_role_can_use_every_main_page(
    live_server,
    personas,
    county,
    people,
    census,  # noqa: F811
    browser,
    viewport,
):
    training = Training(county, people)
    person = people.zhang_san
    program = training.chengguan_course  # 城关镇's, which every walker here may open
    business = [
        "/people/",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        "/people/new/",
        "/training/",
        "/training/attendances/",
        f"/training/programs/{program.pk}/",
        "/training/programs/new/",
        f"/census/{census.pk}/",
        "/imports/persons/",
    ]
    walks = {
        personas.county_admin: business,
        personas.chengguan_admin: business,
        personas.chengguan_clerk: ["/people/", f"/people/{person.pk}/", "/people/new/"],
        personas.chengguan_leader: ["/people/", f"/people/{person.pk}/", "/training/"],
        personas.sysadmin: [],
        personas.secadmin: [],
        personas.auditor: [],
    }
    assert Person.objects.filter(pk=person.pk).exists()
    found = []
    for user, extra in walks.items():
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        context.set_default_timeout(15_000)
        try:
            found += walk(context.new_page(), live_server.url, user.username, extra)
        finally:
            context.close()
    assert not found, "\n".join(found)


def test_the_long_tab_bar_is_a_drop_down_on_a_phone(live_server, personas, browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.county_admin.username)
        page.goto(live_server.url + "/training/")
        assert page.locator("#training-nav").is_hidden()
        select = page.locator("#training-nav-select")
        assert select.is_visible()
        assert select.locator("option").count() >= 5
        target = page.eval_on_selector_all("#training-nav a", "links => links.map(a => a.href)")[1]
        select.select_option(target)
        page.wait_for_url(target)
        screenshot(page, "phone_training_nav.png")
    finally:
        context.close()


def test_a_list_puts_its_rows_first_on_a_phone(live_server, personas, people, browser):
    """At 390 px a list's filters fold under 筛选条件 (opened with a tap; open when the address
    carries filters), and the title row's buttons wrap whole below the title, each one line."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.county_admin.username)
        page.goto(live_server.url + "/people/")
        assert page.locator("#person-filter").is_hidden()
        assert page.get_by_role("link", name="张三").is_visible()
        heights = page.eval_on_selector_all(
            "main > .d-flex > .btn", "buttons => buttons.map(b => b.getBoundingClientRect().height)"
        )
        line = page.eval_on_selector(
            "main > .d-flex > .btn", "b => parseFloat(getComputedStyle(b).lineHeight)"
        )
        assert heights and max(heights) < 2 * line, heights
        page.locator("details.filter-fold > summary").click()
        assert page.locator("#person-filter").is_visible()
        page.goto(live_server.url + "/people/?q=%E5%BC%A0")
        assert page.locator("#person-filter").is_visible()
    finally:
        context.close()
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.county_admin.username)
        page.goto(live_server.url + "/people/")
        assert page.locator("#person-filter").is_visible()
        assert page.locator("details.filter-fold > summary").is_hidden()
    finally:
        context.close()
