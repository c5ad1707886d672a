"""The web admin page in a real browser: headless Chromium driven by Selenium.

Run by scripts/browser.sh, from the Swift test AdminPageInABrowser (Tests/CLITests),
against a `mailconf serve --admin` it started over a catalog holding one server of the
user's, set up wrong (implicit TLS on the lab Postfix's STARTTLS submission port):

    scripts/browser.sh Tests/Browser/admin_page.py --admin URL --autoconfig URL \
        --token-file FILE --server-id N --user ADDRESS --password-file FILE --screenshots DIR

It signs in with a token, adds a domain and fetches it from the autoconfig port, checks
that a name with <script> in it shows as text, verifies the server (it fails), edits it
and verifies it again against the lab Postfix (it works), posts a form without its CSRF
token (refused), removes the domain through the script's confirm(), and signs out.
Each page is saved as a PNG in --screenshots. Secrets come from files, never argv.
Prints one line per step; exits 1 at the first step that fails, with a screenshot of it.
"""

import argparse
import os
import sys
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--admin", required=True, help="the admin listener, http://127.0.0.1:PORT")
parser.add_argument("--autoconfig", required=True, help="serve's own listener, http://127.0.0.1:PORT")
parser.add_argument("--token-file", required=True, help="the --admin-token-file (LABEL:TOKEN lines); the first is used")
parser.add_argument("--server-id", required=True, type=int)
parser.add_argument("--user", required=True, help="the lab mailbox to log in as")
parser.add_argument("--password-file", required=True)
parser.add_argument("--screenshots", required=True)
args = parser.parse_args()

label, token = open(args.token_file).read().split("\n")[0].split(":", 1)
password = open(args.password_file).read().strip()
os.makedirs(args.screenshots, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = os.environ["MAILCONF_CHROMIUM"]
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(os.environ["MAILCONF_CHROMEDRIVER"]), options=options)
driver.set_page_load_timeout(30)
wait = WebDriverWait(driver, 30)
shots = 0


def shot(name):
    """Saves the page as NN-name.png."""
    global shots
    shots += 1
    path = os.path.join(args.screenshots, f"{shots:02d}-{name}.png")
    driver.save_screenshot(path)
    print(f"  screenshot {path}")


def step(name):
    print(f"step: {name}", flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def text(selector):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def submit(form_id, fields, selects=None):
    """Fills the form's fields (clearing each first) and sends it."""
    form = driver.find_element(By.ID, form_id)
    for name, value in fields.items():
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    for name, value in (selects or {}).items():
        Select(form.find_element(By.NAME, name)).select_by_value(value)
    navigate(form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)


def navigate(action, then=None):
    """Runs `action` (a click that sends a form) and waits until the next page has
    replaced this one; `then` runs in between (accepting a confirm())."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    if then:
        then()
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def autoconfig(domain):
    return fetch(f"{args.autoconfig}/mail/config-v1.1.xml?emailaddress=someone%40{domain}")


def server_row():
    return driver.find_element(By.CSS_SELECTOR, f'tr[data-server="{args.server_id}"]')


try:
    step("not signed in: the page sends the browser to the sign-in form")
    driver.get(f"{args.admin}/ui/")
    check(driver.current_url.endswith("/ui/login"), f"at {driver.current_url}")
    shot("sign-in")

    step("a wrong token is refused")
    submit("sign-in-form", {"token": "not-one-of-the-tokens-0000000000000000"})
    check("not one of the tokens" in text("#problem"), text("body"))

    step("signing in with a token")
    submit("sign-in-form", {"token": token})
    wait.until(expected_conditions.presence_of_element_located((By.ID, "domains")))
    check(f"signed in as {label}" in text("header"), text("header"))
    cookie = driver.get_cookie("mailconf_admin")
    check(cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict", f"session cookie {cookie}")
    check(driver.execute_script("return document.cookie").find("mailconf_admin") < 0, "the session cookie is HttpOnly")
    shot("dashboard")

    step("adding a domain, then fetching it from the autoconfig port")
    check(autoconfig("browser.example")[0] == 404, "browser.example is not served before it is added")
    submit("add-domain", {"domain": "Browser.Example", "provider": "fastmail"})
    check("Added browser.example" in text("#notice"), text("body"))
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-domain="browser.example"]')
    row.find_element(By.TAG_NAME, "summary").click()
    preview = row.find_element(By.CSS_SELECTOR, "pre.preview").text
    check("imap.fastmail.com" in preview, preview)
    shot("domain-added")
    status, served = 0, ""
    for _ in range(100):
        status, served = autoconfig("browser.example")
        if status == 200:
            break
        time.sleep(0.1)
    check(status == 200, f"autoconfig answered {status}: {served}")
    check(served.strip() == preview.strip(), "the preview is what clients get:\n" + served + "\n---\n" + preview)

    step("a name with <script> in it shows as text")
    hostile = '<script>window.pwned = 1</script><b id="bold">bold</b>'
    driver.get(f"{args.admin}/ui/servers/{args.server_id}")
    submit("edit", {"description": hostile})
    check("Saved server" in text("#notice"), text("body"))
    driver.get(f"{args.admin}/ui/")
    check(hostile in server_row().find_element(By.CSS_SELECTOR, ".description").text, server_row().text)
    check(driver.execute_script("return window.pwned") is None, "the script ran")
    check(not driver.find_elements(By.ID, "bold"), "the markup became an element")
    submit("add-domain", {"domain": '"><script>window.pwned = 2</script>', "provider": "fastmail"})
    check(driver.execute_script("return window.pwned") is None, "the refused domain's script ran")
    check("<script>" in text("#problem") or "<script>" in driver.find_element(By.NAME, "domain").get_attribute("value"),
          text("body"))
    shot("escaped")

    step("verify now: the server is set up wrong, and the report says so")
    driver.get(f"{args.admin}/ui/")
    navigate(server_row().find_element(By.CSS_SELECTOR, 'form[action$="/verify"] button').click)
    verdict = text("#report .verdict")
    check(not verdict.startswith("Works"), f"server {args.server_id}: {verdict}")
    # The setting that works instead: the same port with STARTTLS.
    check("STARTTLS works" in text("#report .suggestion"), text("#report"))
    shot("verify-fails")

    step("editing the server to STARTTLS, then verifying it with a login against the lab Postfix")
    submit("edit", {"description": "lab submission"}, selects={"security": "starttls"})
    check("Saved server" in text("#notice"), text("body"))
    submit("verify", {"username": args.user, "password": password})
    verdict = text("#report .verdict")
    check(verdict.startswith("Works"), verdict + "\n" + text("#report"))
    check(password not in driver.page_source, "the password is shown back")
    check(driver.find_element(By.NAME, "password").get_attribute("value") == "", "the password is kept in the form")
    shot("verified")
    driver.get(f"{args.admin}/ui/")
    check(server_row().find_element(By.CSS_SELECTOR, ".last-verification").text.startswith("works"), server_row().text)

    step("a form sent without its CSRF token is refused")
    driver.execute_script('document.querySelector("#add-domain input[name=csrf]").remove()')
    submit("add-domain", {"domain": "no-csrf.example", "provider": "fastmail"})
    check("CSRF" in text("#problem"), text("body"))
    shot("csrf-refused")
    driver.get(f"{args.admin}/ui/")
    check(not driver.find_elements(By.CSS_SELECTOR, 'tr[data-domain="no-csrf.example"]'), "the domain was added")

    step("removing the domain asks first (the page's script), then it is no longer served")
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-domain="browser.example"]')
    asked = []

    def confirm():
        alert = wait.until(expected_conditions.alert_is_present())
        asked.append(alert.text)
        alert.accept()
    navigate(row.find_element(By.CSS_SELECTOR, 'form[action$="/remove"] button').click, then=confirm)
    check(asked and "browser.example" in asked[0], f"asked {asked}")
    check("Removed browser.example" in text("#notice"), text("body"))
    for _ in range(100):
        if autoconfig("browser.example")[0] == 404:
            break
        time.sleep(0.1)
    check(autoconfig("browser.example")[0] == 404, "still served after removal")
    shot("removed")

    step("the page broke no rule of its Content-Security-Policy")
    problems = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
    check(not problems, "\n".join(problems))

    step("signing out ends the session")
    navigate(driver.find_element(By.CSS_SELECTOR, 'header form button').click)
    check(driver.current_url.endswith("/ui/login"), driver.current_url)
    driver.get(f"{args.admin}/ui/")
    check(driver.current_url.endswith("/ui/login"), "still signed in after signing out")
    print("all steps passed")
except Exception:
    traceback.print_exc()
    try:
        shot("failure")
        print(driver.page_source[:4000], file=sys.stderr)
    except Exception:
        pass
    sys.exit(1)
finally:
    driver.quit()
