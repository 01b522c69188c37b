"""The Python package and the front end it bundles carry one version."""

from __future__ import annotations

import json
import pathlib
import tomllib

import lg_widgets

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_python_and_js_versions_agree():
    python_version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    js_version = json.loads((REPO / "js" / "package.json").read_text())["version"]
    lock_version = json.loads((REPO / "js" / "package-lock.json").read_text())["version"]
    assert python_version == js_version == lock_version
    assert lg_widgets.__version__ == python_version  # the installed metadata is not stale
