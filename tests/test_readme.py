"""Every command in the README's shell code blocks, run as written in a fresh clone of this checkout's HEAD.

The clone is what a new colleague gets from `git clone` (committed files only); its `.venv` is a link to the
virtualenv running these tests, with requirements*.txt dated back so that make does not reinstall into it. The
commands run in README order, one shell each, with the environment of a fresh terminal: no virtualenv on PATH
and none of the portal's variables (DATABASE_URL, DEBUG, SECRET_KEY, …), so the default SQLite database and the
`.env` that `make run` writes are used. A command that serves (`SERVERS`) is started in the background, probed
until it answers, and stopped at the end of its block, so the block's later commands (`curl …/health/`) reach it.
Addresses `127.0.0.1:8000` are moved to a free port: several checkouts may share this machine.

A command the test cannot run is in `SKIPPED`, with the reason; an entry that no longer matches a command fails
the test, and so does a new command that fails: a command added to the README is tested the day it is written.
Only the SQLite run of CI runs it (the commands make their own SQLite database; DATABASE_URL is for the suite).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="the README's commands use their own SQLite database; CI runs this test in its SQLite run",
    ),
]

# pattern (matched at the start of a command) → why it is not run here
SKIPPED = {
    r"make test$": "runs this very test suite (CI runs it: .ci/run)",
    r"export ": "the production host's own secrets and addresses, placeholders here; the commands after it run "
    "with the local .env instead",
    r"\.venv/bin/python manage\.py run_worker": "needs Redis (REDIS_URL); scripts/serve_smoke.sh runs the "
    "production stack with Redis in CI",
    r"pg_dump |createdb |pg_restore ": "needs a PostgreSQL server; scripts/backup_roundtrip.sh runs the dump and "
    "restore in CI",
    r"curl -s 'http://127\.0\.0\.1:8000/api/": "an example of the API, for a reader with `make run` serving; "
    "tests/api/test_examples.py runs it against a live server",
}
# pattern → the path to probe while it serves
SERVERS = {
    r"make run$": "/ja/",
    r"\.venv/bin/gunicorn ": "/health/",
}
LANGUAGES = {"sh", "shell", "bash", "console"}
PORTAL_VARIABLES = re.compile(
    r"^(DATABASE_URL|REDIS_URL|DEBUG|SECRET_KEY|ALLOWED_HOSTS|DJANGO_.*|GUNICORN_.*|PORTAL_ORIGIN|VIRTUAL_ENV|"
    r"EMAIL_URL|LOG_.*|SECURE_.*|CSRF_.*|SESSION_.*|STATIC.*|AXES_.*|PYTEST_.*|TEST_REDIS_URL|HOST)$"
)


def strip_comment(line):
    """The command without its trailing `# comment` (a `#` inside quotes or a word is kept)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def readme_blocks(text):
    """The shell code blocks of a Markdown text (indented ones in lists too), each a list of commands."""
    blocks = []
    for language, body in re.findall(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", text, flags=re.M | re.S):
        if language not in LANGUAGES:
            continue
        commands, pending = [], ""
        for line in body.splitlines():
            line = strip_comment(line.strip())
            if line.endswith("\\"):
                pending += line[:-1].strip() + " "
                continue
            command, pending = (pending + line).strip(), ""
            if command:
                commands.append(command)
        blocks.append(commands)
    return blocks


def _matching(table, command):
    return next((pattern for pattern in table if re.match(pattern, command)), None)


def test_readme_blocks_are_parsed():
    text = "```sh\nmake run    # serve\n# a comment\nfoo \\\n  --bar  # why\necho '#1' a#b\n```\n```python\nx\n```\n"
    text += "- a list:\n\n  ```sh\n  make import FILE=x  # check\n  ```\n"
    assert readme_blocks(text) == [["make run", "foo --bar", "echo '#1' a#b"], ["make import FILE=x"]]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_environment(port):
    venv_bin = str(Path(sys.prefix) / "bin")
    environment = {name: value for name, value in os.environ.items() if not PORTAL_VARIABLES.match(name)}
    environment["PATH"] = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    environment.update(HOST=f"127.0.0.1:{port}", GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    environment["DJANGO_ADMIN_PASSWORD"] = "readme-test-password"  # else `make run` prints a generated one
    return environment


@pytest.fixture
def clone(tmp_path):
    if not (shutil.which("git") and shutil.which("make")):
        pytest.fail("git and make are needed to follow the README")
    target = tmp_path / "portal"
    subprocess.run(["git", "clone", "--quiet", str(settings.BASE_DIR), str(target)], check=True)
    (target / ".venv").symlink_to(Path(sys.prefix))
    for name in ("requirements.txt", "requirements-dev.txt"):
        os.utime(target / name, (0, 0))  # older than the virtualenv's install stamps: make installs nothing
    return target


def _serve(command, cwd, environment, probe_url, log):
    process = subprocess.Popen(
        ["bash", "-c", command], cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return process, f"exited with {process.returncode} before answering"
        try:
            with urllib.request.urlopen(probe_url, timeout=5) as response:
                if response.status == 200:
                    return process, None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    return process, f"did not answer {probe_url} within 300 s"


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_every_readme_command_works_as_written_in_a_fresh_clone(clone, tmp_path):
    blocks = readme_blocks((clone / "README.md").read_text(encoding="utf-8"))
    commands = [command for block in blocks for command in block]
    assert commands, "the README has no shell code blocks"
    stale = [pattern for pattern in {**SKIPPED, **SERVERS} if not any(re.match(pattern, c) for c in commands)]
    assert not stale, f"entries that match no README command any more: {stale}"

    port = _free_port()
    environment = _fresh_environment(port)
    failures, ran = [], []
    for number, block in enumerate(blocks):
        servers = []
        try:
            for command in block:
                if _matching(SKIPPED, command):
                    continue
                command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
                log_path = tmp_path / f"command-{len(ran)}.log"
                ran.append(command)
                server = _matching(SERVERS, command)
                with log_path.open("wb") as log:
                    if server:
                        url = f"http://127.0.0.1:{port}{SERVERS[server]}"
                        process, problem = _serve(command, clone, environment, url, log)
                        servers.append(process)
                    else:
                        result = subprocess.run(
                            ["bash", "-c", command],
                            cwd=clone,
                            env=environment,
                            stdout=log,
                            stderr=subprocess.STDOUT,
                            timeout=900,
                        )
                        problem = f"exit status {result.returncode}" if result.returncode else None
                if problem:
                    output = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                    failures.append(f"block {number + 1}: `{command}`: {problem}\n{output}")
        finally:
            for process in servers:
                _stop(process)
    assert not failures, "\n\n".join(failures)
    assert any(c.startswith("make run") for c in ran)
