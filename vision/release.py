"""The release identifier: which code, templates, translations and static files render the public pages.

The page cache's key and ETag carry it beside the data version (vision.middleware.PublicPageCacheMiddleware), so a
deploy that runs no `migrate` (which moves the data version) still never serves a page the old code rendered.

`RELEASE_ID` in the environment names the release (a git commit, a version: letters, digits and `._+-`); every app
server of one release must be given the same one. Unset, it is a fingerprint of the files that render pages,
computed once per process: every file under the portal's own apps, the template, static-file and locale
directories, and requirements.txt (the pinned packages, Django's own templates among them), by path relative to the
project and content. Servers installed from the same files agree on it wherever they are installed; a changed
template, translation or stylesheet gives a new one, uncommitted edits included (a git commit would miss those, and
a deploy without .git has none).
"""

import functools
import hashlib
import importlib.util
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings

SKIPPED_DIRECTORIES = {"__pycache__", "node_modules"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def current() -> str:
    """RELEASE_ID, or the fingerprint of the installed files when it is unset."""
    return settings.RELEASE_ID or installed_fingerprint()


@functools.cache
def installed_fingerprint() -> str:
    base = Path(settings.BASE_DIR)
    return fingerprint(base, [*rendering_directories(base), base / "requirements.txt"])


def rendering_directories(base):
    """The directories whose files shape what a page looks like: the project's own apps and settings package, and
    the template, static-file and locale directories that the settings name."""
    # The project package (settings, root URLs, gunicorn's config), named by the root URLconf.
    project_package = Path(importlib.util.find_spec(settings.ROOT_URLCONF.partition(".")[0]).origin).parent
    directories = [Path(app.path) for app in apps.get_app_configs() if _own(Path(app.path), base)]
    directories.append(project_package)
    directories += [Path(directory) for engine in settings.TEMPLATES for directory in engine.get("DIRS", [])]
    directories += [Path(directory) for directory in settings.STATICFILES_DIRS]
    directories += [Path(directory) for directory in settings.LOCALE_PATHS]
    return directories


def _own(path, base):
    """An app of this project's, not an installed package (a virtualenv may live inside the project, as .venv)."""
    if not path.is_relative_to(base):
        return False
    parts = path.relative_to(base).parts
    return not any(part.startswith(".") or part in ("site-packages", "dist-packages") for part in parts)


def fingerprint(base, paths) -> str:
    """12 hex digits of the SHA-256 of every file under `paths` (files or directories): each file's path relative to
    `base` and its content, in path order. Compiled bytecode and hidden directories are left out."""
    files = set()
    for path in map(Path, paths):
        if path.is_file():
            files.add(path)
        for root, directories, names in os.walk(path):
            directories[:] = [d for d in directories if d not in SKIPPED_DIRECTORIES and not d.startswith(".")]
            files.update(Path(root, name) for name in names if Path(name).suffix not in SKIPPED_SUFFIXES)
    digest = hashlib.sha256()
    for relative, file in sorted((file.relative_to(base).as_posix(), file) for file in files):
        content = file.read_bytes()
        digest.update(f"{relative}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:12]
