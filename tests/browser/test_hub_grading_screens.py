"""The instructor's and a student's screens on the course's hub, in a real browser.

The instructor releases 01 from the formgrader; Alice follows the course's link, which
pulls it into her nbgrader folder, and in her Assignments tab validates it (a missing
answer is named, then every test passes) and submits; the
instructor collects, autogrades (in the grading kernel), overrides one task's score by
hand with a comment, generates and releases the feedback; Alice fetches it and reads the
score and the comment. Every step is a click in the page, as each of them would make it;
the hub, the servers and nbgrader are the real ones (tests/hub.py), and what each click
did is checked where it lands: the exchange, the gradebook, Alice's home.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_jupyterlab import SCREENSHOTS, TIMEOUT_MS

import classroom  # tools/classroom.py
from grading import require_grading_kernel
from hub import INSTRUCTOR, running_hub
from test_hub import BRANCH, _require_proxy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_single_channel"
GRADING_MS = 300_000
"""Validating or autograding 01 runs its every cell in a new kernel: seconds alone, longer
beside the rest of the suite; the waits are for the result, not a delay."""
COMMENT = "Right, but say why the bias is added after the product."


def _log_in(chromium, hub, user: str):
    """A browser of ``user``'s own (their cookies), logged in, at their JupyterLab."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    hub.log_in(page, user, TIMEOUT_MS)
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(
        timeout=TIMEOUT_MS)
    return page


def _open_from_nbgrader_menu(page, command: str) -> None:
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(f'li[data-command="nbgrader:{command}"]').click()


def _formgrader_does(page, click, what: str) -> None:
    """Click in the formgrader and wait for its answer: its success window, closed; its
    error window fails the test with what it says."""
    click()
    page.locator("#success-modal, #error-modal").first.wait_for(timeout=GRADING_MS)
    if page.locator("#error-modal").count():
        pytest.fail(f"the formgrader could not {what}: "
                    + page.locator("#error-modal").inner_text())
    page.locator("#success-modal .modal-footer button").first.click()
    page.locator("#success-modal").wait_for(state="detached", timeout=TIMEOUT_MS)


def _saved_by(page, kind: str, action) -> None:
    """Do ``action`` in the formgrader's grading page and wait until the server has saved
    the ``kind`` ("grade" or "comment") it changed."""
    with page.expect_response(lambda r: f"/formgrader/api/{kind}/" in r.url
                              and r.request.method == "PUT", timeout=TIMEOUT_MS) as saved:
        action()
    assert saved.value.ok, f"saving the {kind} answered {saved.value.status}"


def _assignment_row(page):
    return page.locator("tr", has=page.locator("td.name", has_text=ASSIGNMENT))


def _validation(page) -> str:
    """Validate the fetched notebook from the Assignments tab; what the dialog says."""
    page.locator("#fetched_assignments_list .list_item",
                 has_text=ASSIGNMENT).locator("button", has_text="Validate").first.click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.locator(".validation-success, .validation-failed, .validation-error").wait_for(
        timeout=GRADING_MS)
    said = dialog.inner_text()
    dialog.locator("button.jp-Dialog-button").last.click()
    dialog.wait_for(state="detached", timeout=TIMEOUT_MS)
    return said


@pytest.mark.slow
def test_the_instructor_and_a_student_hand_out_hand_in_grade_and_return_01_in_their_screens(
        tmp_path, chromium):
    _require_proxy()
    require_grading_kernel()
    right = classroom.solutions(ASSIGNMENT)
    first = graded_by_hand = next(iter(right))  # worth 2 points: the instructor gives 1
    points = {check: spec["points"] for check, spec in classroom.load_spec().items()
              if check in right}
    total = sum(points.values())
    clone = tmp_path / "onebyone"  # the course's repository, as the hub reaches it
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    with running_hub(tmp_path / "hub", ["alice"]) as hub:
        course = classroom.build(hub.home(INSTRUCTOR) / "course", ["00_index", ASSIGNMENT])
        classroom.publish(course / "release", BRANCH, clone)
        teacher = _log_in(chromium, hub, INSTRUCTOR)
        alice = _log_in(chromium, hub, "alice")
        try:
            # the instructor releases 01 from the formgrader, in a browser tab of its own:
            # the hub forbids framing a user's server (frame-ancestors 'none', so that no
            # page of another user can frame it), which leaves JupyterLab's Formgrader tab blank
            formgrader = teacher
            opened = formgrader.goto(f"{hub.url}/hub/user-redirect/formgrader")
            assert "frame-ancestors 'none'" in opened.headers["content-security-policy"]
            formgrader.wait_for_url(f"**/user/{INSTRUCTOR}/formgrader/manage_assignments",
                                 timeout=TIMEOUT_MS)
            row = _assignment_row(formgrader)
            _formgrader_does(formgrader, row.locator("td.release a").click, "release 01")
            row.locator("td.status", has_text="released").wait_for(timeout=TIMEOUT_MS)
            assert (hub.exchange / classroom.COURSE_ID / "outbound" / ASSIGNMENT
                    / f"{ASSIGNMENT}.ipynb").is_file()

            # Alice opens the course's link, which pulls the student copies into ~/onebyone,
            # nbgrader's folder for her assignments, and opens the course's home: her
            # Assignments tab lists 01 as released and downloaded, as a fetch leaves it
            alice.goto(classroom.nbgitpuller_link(hub.url, f"file://{clone}", BRANCH))
            alice.wait_for_url("**/lab/tree/onebyone/00_index/00_index.ipynb",
                               timeout=TIMEOUT_MS)
            alice.locator(".jp-NotebookPanel .jp-Toolbar").first.wait_for(timeout=TIMEOUT_MS)
            _open_from_nbgrader_menu(alice, "open-assignment-list")
            fetched = alice.locator("#fetched_assignments_list > .list_item",
                                    has_text=ASSIGNMENT)
            fetched.wait_for(timeout=TIMEOUT_MS)
            notebook = hub.home("alice") / "onebyone" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

            # she answers every task but the first (written into her copy, as she would
            # type them), validates, is told which failed; answers it: every test passes
            classroom.fill_in(notebook, {k: v for k, v in right.items() if k != first})
            alice.locator("#fetched_assignments_list a", has_text=ASSIGNMENT).first.click()
            said = _validation(alice)
            # the failing test cell, which calls the first task's check, and only it
            assert "Success!" not in said and first in said, said
            assert not any(check in said for check in right if check != first), said
            classroom.fill_in(notebook, {first: right[first]})
            said = _validation(alice)
            assert "Success! Your notebook passes all the tests." in said, said

            fetched.locator(".item_status button", has_text="Submit").click()
            alice.locator("#submitted_assignments_list > .list_item",
                          has_text=ASSIGNMENT).wait_for(timeout=TIMEOUT_MS)
            inbound = hub.exchange / classroom.COURSE_ID / "inbound"
            assert [p.name.split("+")[:2] for p in inbound.iterdir()] == [["alice", ASSIGNMENT]]

            # the instructor collects, autogrades, grades one task by hand with a comment
            _formgrader_does(formgrader, row.locator("td.collect a").click, "collect 01")
            row.locator("td.num-submissions", has_text="1").wait_for(timeout=TIMEOUT_MS)
            row.locator("td.num-submissions a").click()
            submission = formgrader.locator("tr", has=formgrader.locator(
                "td.student-id", has_text="alice"))
            _formgrader_does(formgrader, submission.locator("td.autograde a").click,
                             "autograde Alice's 01")
            submission.locator("td.score", has_text=f"{total} / {total}").wait_for(
                timeout=TIMEOUT_MS)

            formgrader.locator("a", has_text="Manual Grading").first.click()
            formgrader.locator("td a", has_text=ASSIGNMENT).first.click()
            formgrader.locator("td a", has_text=ASSIGNMENT).first.click()  # its notebook
            formgrader.locator("td a", has_text="Submission #1").first.click()
            # its placeholder, the autograder's score, shows the page has its grades loaded
            score = formgrader.locator(f"input.score#{graded_by_hand}-test[placeholder]")
            score.wait_for(timeout=TIMEOUT_MS)
            assert score.get_attribute("placeholder") == str(points[graded_by_hand])
            given = points[graded_by_hand] - 1
            assert given > 0, "the task graded by hand should be worth more than a point"
            score.fill(str(given))
            _saved_by(formgrader, "grade", lambda: score.press("Tab"))  # a change saves it
            # the comment, on her answer
            comment = formgrader.locator(f"textarea#{graded_by_hand}-answer-comment[placeholder]")
            comment.fill(COMMENT)
            _saved_by(formgrader, "comment", lambda: comment.press("Tab"))
            scored = total - points[graded_by_hand] + given
            token = hub.api("POST", f"/users/{INSTRUCTOR}/tokens", {"note": "check"})["token"]
            (graded,) = json.loads(hub.request("GET", f"{hub.server(INSTRUCTOR)}/formgrader/api"
                                               f"/submissions/{ASSIGNMENT}", token))
            assert (graded["student"], graded["score"], graded["max_score"]) == \
                ("alice", scored, total)

            # feedback: generated and released from the assignments' page
            formgrader.locator(".breadcrumb a", has_text="Manual Grading").click()
            formgrader.locator("a", has_text="Manage Assignments").first.click()
            _formgrader_does(formgrader, row.locator("td.generate-feedback a").click,
                             "generate the feedback")
            _formgrader_does(formgrader, row.locator("td.release-feedback a").click,
                             "release the feedback")

            # Alice fetches her feedback and reads her score and the comment
            alice.locator("#refresh_assignments_list").click()
            submitted = alice.locator("#submitted_assignments_list > .list_item",
                                      has_text=ASSIGNMENT)
            submitted.locator("button", has_text="Fetch Feedback").click()
            alice.locator("#submitted_assignments_list", has_text="view feedback").wait_for(
                timeout=TIMEOUT_MS)
            (page_of_feedback,) = (hub.home("alice") / "onebyone" / ASSIGNMENT
                                   / "feedback").glob(f"*/{ASSIGNMENT}.html")
            relative = page_of_feedback.relative_to(hub.home("alice")).as_posix()
            alice.goto(f"{hub.server('alice')}/files/{relative}")
            shown = alice.locator("body").inner_text()
            alice.screenshot(path=SCREENSHOTS / "hub-feedback.png")
            assert f"{ASSIGNMENT} (Score: {scored:.1f} / {total:.1f})" in shown, shown[:500]
            assert f"Test cell (Score: {given:.1f} / {points[graded_by_hand]:.1f})" in shown
            assert COMMENT in shown
        except BaseException:
            # where each of them was, for people to look at
            teacher.screenshot(path=SCREENSHOTS / "hub-instructor-failed.png")
            alice.screenshot(path=SCREENSHOTS / "hub-student-failed.png")
            raise
        finally:
            teacher.context.close()
            alice.context.close()
