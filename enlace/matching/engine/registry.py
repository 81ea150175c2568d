"""The deployment's estimated models: versioned files in one directory, and which one is in use.

    <dir>/model-<version>.json      one file per estimation (never overwritten)
    <dir>/charts-<version>/         its diagnostics (offline HTML, SVG, JSON)
    <dir>/current.json              {"version": ..., "path": "model-<version>.json"}

The directory is ``$ENLACE_MATCHING_MODEL_DIR`` (default ``var/matching-models`` in the project).
A model becomes current only after it loaded successfully (:func:`install`); a failed estimation or
a file of another version leaves the current model in place.
"""

from __future__ import annotations

import json
import os

DEFAULT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "var", "matching-models")


def model_dir() -> str:
    from .model import MODEL_DIR_ENV

    return os.environ.get(MODEL_DIR_ENV) or DEFAULT_DIR


def current_model_path(directory: str | None = None) -> str | None:
    """Path of the model in use, or None (then the shipped model is used)."""
    d = directory or model_dir()
    pointer = os.path.join(d, "current.json")
    try:
        with open(pointer, encoding="utf-8") as fh:
            name = json.load(fh)["path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = os.path.join(d, os.path.basename(str(name)))
    return path if os.path.exists(path) else None


def install(path: str, directory: str | None = None) -> str:
    """Make the model at ``path`` current (copying it into the directory when it is elsewhere).
    Raises :class:`.model.ModelError` (nothing changes) when it does not load with this engine."""
    import shutil

    from .model import load_model

    model = load_model(path)  # raises for another version / a broken file
    d = directory or model_dir()
    os.makedirs(d, exist_ok=True)
    target = os.path.join(d, f"model-{model.version}.json")
    if os.path.abspath(path) != os.path.abspath(target):
        shutil.copyfile(path, target)
    tmp = os.path.join(d, "current.json.part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"version": model.version, "path": os.path.basename(target)}, fh)
    os.replace(tmp, os.path.join(d, "current.json"))
    return target


def current_version() -> str:
    """Version of the model in use (``shipped`` when none was estimated here)."""
    from .model import ModelError, load_model

    try:
        return load_model().version
    except ModelError:
        return "unavailable"
