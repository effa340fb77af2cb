"""The page in a real browser: Debian's chromium driven by selenium (skipped without them,
unless MATCALC_REQUIRE_BROWSER=1). Screenshots go to $MATCALC_SCREENSHOT (default: a tmp dir);
MATCALC_DOCS_SCREENSHOT=path also writes the README's picture (docs/web-page.png)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from matcalc import derive, report
from matcalc.web.server import start
from matcalc.web.syntax import syntax

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _require(reason: str) -> None:
    if os.environ.get("MATCALC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MATCALC_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    webdriver = None


@pytest.fixture(scope="module")
def browser():
    if webdriver is None:
        _require("selenium is not installed (pip install selenium)")
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        _require("chromium/chromedriver are missing (apt-get install chromium chromium-driver)")
    profile = tempfile.mkdtemp(prefix="matcalc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1100,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    server, thread = start(port=0)
    driver.get(server.url)
    yield driver
    driver.quit()
    server.shutdown()
    server.server_close()
    thread.join(5)
    shutil.rmtree(profile, ignore_errors=True)


def _enter(driver, element_id: str, text: str) -> None:
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(text)


def _katex_text(driver, timeout: float = 30) -> str:
    """The text of the typeset derivative once KaTeX has drawn it."""
    wait = WebDriverWait(driver, timeout)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#result .katex")))
    return driver.find_element(By.CSS_SELECTOR, "#result .katex-mathml annotation").get_attribute(
        "textContent")


def _screenshot(driver, name: str) -> Path:
    folder = Path(os.environ.get("MATCALC_SCREENSHOT") or tempfile.mkdtemp(prefix="matcalc-"))
    if folder.suffix == ".png":
        folder.parent.mkdir(parents=True, exist_ok=True)
        path = folder.with_name(f"{folder.stem}-{name}.png")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 1000
    return path


def test_quadratic_form_is_typeset(browser):
    _enter(browser, "expr", "x' A x")
    _enter(browser, "wrt", "x")
    WebDriverWait(browser, 30).until(
        lambda d: "A" in d.find_element(By.ID, "text").text
        and "x" in d.find_element(By.ID, "text").text)
    latex = _katex_text(browser)
    assert "\\mathbf{A}" in latex and "\\mathbf{x}" in latex and "\\top" in latex, latex
    shown = browser.find_element(By.CSS_SELECTOR, "#result .katex-html").text
    assert "A" in shown and "x" in shown and "⊤" in shown, shown
    variables = browser.find_element(By.ID, "variables").text
    assert "x:" in variables and "A:" in variables
    _screenshot(browser, "quadratic-form")


def test_the_page_starts_in_numerator_layout_and_says_so(browser):
    """The CLI's and the API's default: x' A x by x is the row xᵀ (A + Aᵀ)."""
    assert browser.find_element(By.CSS_SELECTOR, "input[name=layout][value=numerator]") \
        .is_selected()
    _enter(browser, "expr", "x' A x")
    _enter(browser, "wrt", "x")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, "text").text == "xᵀ (A + Aᵀ)")
    assert browser.find_element(By.ID, "title").text == "Derivative by x (numerator layout)"
    assert browser.find_element(By.ID, "layout-note").text.startswith("numerator layout")


def test_bad_expression_shows_the_caret(browser):
    _enter(browser, "expr", "W x +")
    _enter(browser, "wrt", "x")
    error = WebDriverWait(browser, 30).until(
        EC.visibility_of_element_located((By.ID, "error")))
    # Clearing the box first shows the empty-program error; wait for the one about "W x +".
    WebDriverWait(browser, 30).until(lambda d: "W x +" in error.text and "^" in error.text)
    assert "column 6" in error.text
    caret_line = next(line for line in error.text.splitlines() if line.strip() == "^")
    assert caret_line.index("^") == 2 + 6 - 1
    _screenshot(browser, "error")


def test_a_warning_shows_under_the_result(browser):
    _enter(browser, "decls", "")
    _enter(browser, "expr", "W x + b")
    _enter(browser, "wrt", "x")
    warnings = WebDriverWait(browser, 30).until(
        EC.visibility_of_element_located((By.ID, "warnings")))
    assert warnings.text == ("note: b is a scalar (single letters a–g are scalars); declare "
                             "b a vector (vars={'b': 'vector'}, or --var b:vector)")
    _enter(browser, "decls", "b: vector")
    WebDriverWait(browser, 30).until(
        EC.invisibility_of_element_located((By.ID, "warnings")))
    _enter(browser, "decls", "")


def test_example_with_options_for_the_readme(browser):
    """`Y = A X + B; f(Y)` by X in denominator layout (chosen; an example keeps the layout),
    with the differential, the check and then the steps; the README's image is taken before
    the steps."""
    browser.find_element(By.CSS_SELECTOR, "input[name=layout][value=denominator]").click()
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, "#examples button")
                  if b.text == "Y = A X + B; f(Y)")
    button.click()
    for box in ("differential", "check"):
        browser.find_element(By.ID, box).click()
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, "text").text == "Aᵀ ∂f/∂Y"
        and d.find_element(By.ID, "check-line").text.startswith("check: agrees")
        and d.find_elements(By.CSS_SELECTOR, "#diff-math .katex"))
    assert "\\frac{\\partial f}" in _katex_text(browser)
    assert browser.find_element(By.ID, "title").text == "Derivative by X (denominator layout)"
    docs = os.environ.get("MATCALC_DOCS_SCREENSHOT")
    if docs:
        browser.set_window_size(1100, 1230)
        browser.save_screenshot(docs)
        browser.set_window_size(1100, 900)
    browser.find_element(By.ID, "steps").click()
    WebDriverWait(browser, 30).until(
        lambda d: "read off" in d.find_element(By.ID, "steps-text").get_attribute("textContent"))
    _screenshot(browser, "example")


def _choose(driver, layout: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"input[name=layout][value={layout}]").click()


def _shown_text(driver, expected: str, timeout: float = 30) -> None:
    """Wait until the plain-text result is exactly `expected` (not merely any new answer)."""
    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.ID, "text").text == expected)


def test_shareable_link_round_trip(browser):
    """The fragment holds the expression, variable, layout and declarations as they are
    typed; opening the link in a fresh page restores them and derives the same result."""
    expr, wrt, declared, layout = "W x + b", "W", {"W": "matrix(m,n)", "b": "vector"}, \
        "denominator"
    expected = str(derive(expr, wrt, declared, layout))
    _choose(browser, layout)
    _enter(browser, "decls", "\n".join(f"{k}: {v}" for k, v in declared.items()))
    _enter(browser, "expr", expr)
    _enter(browser, "wrt", wrt)
    _shown_text(browser, expected)
    link = browser.current_url
    state = parse_qs(urlsplit(link).fragment)
    assert state["expr"] == [expr] and state["wrt"] == [wrt] and state["layout"] == [layout]
    assert state["vars"] == ["W: matrix(m,n)\nb: vector"]
    _choose(browser, "numerator")
    _enter(browser, "expr", "x' A x")
    _enter(browser, "decls", "")
    _enter(browser, "wrt", "x")
    _shown_text(browser, str(derive("x' A x", "x")))
    browser.get("about:blank")
    browser.get(link)
    _shown_text(browser, expected)
    assert browser.find_element(By.ID, "expr").get_attribute("value") == expr
    assert browser.find_element(By.ID, "wrt").get_attribute("value") == wrt
    assert browser.find_element(By.ID, "decls").get_attribute("value") == \
        "W: matrix(m,n)\nb: vector"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=layout][value=denominator]") \
        .is_selected()
    assert browser.current_url == link
    browser.get("about:blank")
    browser.get(link.replace("layout=denominator", "layout=%22%5D%22"))  # not a layout
    _shown_text(browser, str(derive(expr, wrt, declared, "numerator")))


@pytest.mark.parametrize("expr, wrt, layout, shape", [
    ("x' A x", "x", "denominator", "gradient, shape of x: n_A × 1"),
    ("x' A x", "x", "numerator", "a row (the gradient transposed): 1 × n_A"),
    ("tr(X' A X)", "X", "numerator", "shape of Xᵀ (the gradient transposed): n_X × n_A"),
    ("W x", "x", "numerator", "Jacobian, m_W × n_W"),
    ("A X", "X", "numerator",
     "Jacobian of vec by vec (d vec F / d vec(X)ᵀ), m_A·n_X × n_A·n_X"),
])
def test_the_result_says_its_layout_and_shape(browser, expr, wrt, layout, shape):
    """The line beside the result names the layout and the size the API reports."""
    obj = report.build(expr, wrt, layout=layout)
    assert shape.endswith(f"{obj['shape']['rows']} × {obj['shape']['cols']}")
    _choose(browser, layout)
    _enter(browser, "decls", "")
    _enter(browser, "expr", expr)
    _enter(browser, "wrt", wrt)
    _shown_text(browser, obj["text"])
    assert browser.find_element(By.ID, "shape").text == f"{layout} layout: {shape}"


def test_steps_are_typeset_with_the_plain_text_one_click_away(browser):
    _choose(browser, "numerator")
    _enter(browser, "expr", "x' A x")
    _enter(browser, "wrt", "x")
    steps = browser.find_element(By.ID, "steps")
    if not steps.is_selected():
        steps.click()
    expected = report.build("x' A x", "x", steps=True)["steps"]
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "steps-text")
                                     .get_attribute("textContent") == expected["text"])
    annotation = browser.find_element(By.CSS_SELECTOR, "#steps-math .katex-mathml annotation")
    assert annotation.get_attribute("textContent") == expected["latex"]
    drawn = browser.find_element(By.CSS_SELECTOR, "#steps-math .katex-html").text
    assert "read off" in drawn and "∂" in drawn and not browser.find_elements(
        By.CSS_SELECTOR, "#steps-math .katex-error")
    plain = browser.find_element(By.ID, "steps-text")
    assert not plain.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#steps-plain summary").click()
    assert plain.is_displayed() and "read off" in plain.text
    _screenshot(browser, "steps")
    steps.click()


def test_syntax_panel_lists_the_registry(browser):
    panel = browser.find_element(By.ID, "syntax")
    panel.find_element(By.TAG_NAME, "summary").click()
    listed = syntax()
    rows = panel.find_elements(By.CSS_SELECTOR, "#syntax-operators tr")
    assert [row.find_element(By.TAG_NAME, "th").text.split() for row in rows] == \
        [op["spellings"] for op in listed["operators"]]
    calls = [code.text for code in panel.find_elements(By.CSS_SELECTOR,
                                                       "#syntax-functions code")]
    assert calls == [f["call"] for group in listed["functions"] for f in group["functions"]]
    browser.execute_script("arguments[0].scrollIntoView()", panel)
    _screenshot(browser, "syntax")
    panel.find_element(By.TAG_NAME, "summary").click()


def test_no_content_security_policy_violations(browser):
    """(Last: the log then covers every test above, the link, the steps and the panel.)"""
    logs = browser.get_log("browser")
    assert not [entry for entry in logs if "Content Security Policy" in entry["message"]], logs
