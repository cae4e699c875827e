"""Where a run stages its outputs, and how they are put in place all at once.

A run writes into ``reports/.staging/<key>-<pid>-<random>/``, one sub-folder per target
folder (``binh_dinh/reports`` → ``reports/2025/binh_dinh/vi``). When everything is written
it records its targets in a ``COMMIT`` marker, then renames each previous folder aside, the
new one in, and deletes the previous ones; a run stopped at any point leaves either the
previous outputs or the new ones, and a run killed during the move is completed by the
next run, which finds the marker (:func:`recover`, :func:`clean_leftovers`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Callable

from ..core.paths import home_dir
from .processes import _lock_is_free, _pid_alive

STAGING = ".staging"
FAILED = "failed"
COMMIT_MARKER = "COMMIT"

Progress = Callable[[str], None]
Targets = list[tuple[str, Path]]  # (sub-folder of the stage, target folder)


def staging_root(home: str | Path | None = None) -> Path:
    """Where runs stage their outputs (a hidden folder under ``reports/``)."""
    return Path(home or home_dir()) / "reports" / STAGING


def aside(target: Path, stage: Path) -> Path:
    return target.parent / f".{target.name}.old-{stage.name}"


def recover(root: Path, key: str, say: Progress) -> None:
    """Finish or discard what an earlier run of the same key left behind."""
    for stage in sorted(root.glob(f"{key}-*")):
        if not stage.is_dir() or not _STAGE_NAME.match(stage.name) or \
                _STAGE_NAME.match(stage.name).group(1) != key:
            continue
        _finish_or_discard(stage, say)


def _finish_or_discard(stage: Path, say: Progress) -> None:
    """Complete the move a committed staging folder records (its marker lists the
    targets), or remove a staging folder that never committed."""
    targets = marker_targets(stage)
    if targets:
        say(f"Completing the interrupted move of an earlier run ({stage.name}) …")
        move_targets(targets, stage)
    else:
        shutil.rmtree(stage, ignore_errors=True)


_STAGE_NAME = re.compile(r"^(\d+-[a-z0-9_.-]+?)-(\d+)-[0-9a-f]{8}$")
_FRESH_FAILED = re.compile(r"^\..+\.new-(\d+)$")


def clean_leftovers(home: Path, key: str, say: Progress) -> None:
    """Remove what runs of other keys left when they were killed: staging folders whose
    lock no live run holds (a committed one is completed from the targets its marker
    records), and half-kept failed notebooks of processes that are gone."""
    root = staging_root(home)
    for stage in sorted(root.iterdir()) if root.is_dir() else ():
        match = _STAGE_NAME.match(stage.name)
        if not stage.is_dir() or not match or match.group(1) == key:
            continue  # our own key was handled under our lock (never reopen our lock file)
        if not _lock_is_free(root / f"{match.group(1)}.lock"):
            continue
        _finish_or_discard(stage, say)
    failed = home / "reports" / FAILED
    if failed.is_dir():
        for fresh in sorted(failed.rglob(".*.new-*")):
            match = _FRESH_FAILED.match(fresh.name)
            if match and fresh.is_dir() and not _pid_alive(int(match.group(1))):
                shutil.rmtree(fresh, ignore_errors=True)
        prune_empty(failed)


def marker_targets(stage: Path) -> Targets:
    """The (sub-folder, target folder) pairs a committed stage records in its marker."""
    try:
        recorded = json.loads((stage / COMMIT_MARKER).read_text(encoding="utf-8"))
        return [(str(kind), Path(target)) for kind, target in recorded["targets"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def commit(targets: Targets, stage: Path) -> None:
    """Record the targets in the stage's marker (synced), then move everything in place."""
    marker = stage / COMMIT_MARKER
    record = {"note": "all notebooks succeeded; moving into place",
              "targets": [[kind, str(target)] for kind, target in targets]}
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    move_targets(targets, stage)


def move_targets(targets: Targets, stage: Path) -> None:
    """Rename the previous folders aside, the staged ones in, then delete the previous."""
    for kind, target in targets:
        new = stage / kind
        target.parent.mkdir(parents=True, exist_ok=True)
        old = aside(target, stage)
        if new.exists():
            if target.exists() and not old.exists():
                os.rename(target, old)
            elif target.exists():  # the old one is already aside: this is a stray copy
                shutil.rmtree(target)
            os.rename(new, target)
        elif not target.exists() and old.exists():  # pragma: no cover - defensive
            os.rename(old, target)
    for _kind, target in targets:
        old = aside(target, stage)
        if old.exists():
            shutil.rmtree(old)
    shutil.rmtree(stage, ignore_errors=True)


def prune_empty(folder: Path) -> None:
    if not folder.is_dir():
        return
    for sub in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()
