"""nbgrader's settings for every user of the course's hub, students and instructors.

Install it where every user's Jupyter finds it, the users' environment's etc/jupyter/
(/opt/tljh/user/etc/jupyter/ on The Littlest JupyterHub; the hub image's appendix copies
it there; see deploy/README.md).

An instructor is a user whose home holds the course directory ~/course (its
nbgrader_config.py tells), built there with
`python3 tools/course.py classroom ~/course` (then restart the server, from File → Hub
Control Panel, for the formgrader to find it): they grade every student. Everyone else
is a student, known by their hub user name.
"""

import os

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "onebyone"
# A folder every user can read and write (created by the hub's set-up); on Kubernetes, a
# volume shared by all users' pods.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# nbgitpuller pulls the student copies into ~/onebyone: assignments are fetched into it and
# submitted from it.
c.Exchange.assignment_dir = os.path.expanduser("~/onebyone")

course = os.path.expanduser("~/course")
if os.path.isfile(os.path.join(course, "nbgrader_config.py")):
    c.CourseDirectory.root = course
elif os.environ.get("JUPYTERHUB_USER"):
    # nbgrader knows a student by their unix user name, the same for everyone on a hub whose
    # servers run as one user (jovyan on Kubernetes): the hub's user name tells them apart
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
