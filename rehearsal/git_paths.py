"""`git::` module paths, as company deployment repositories consume module repositories, resolved offline.

A source on this machine (`git::file:///...` or `git::/path/to/repo.git//folder?ref=...`) is cloned with
Seed-Farmer's own code, into the project's `seedfarmer.gitmodules/` as `seedfarmer apply` does. A source
that needs the network is refused with a clear error: the rehearsal never leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rehearsal.manifests import ManifestError

_NETWORK_SCHEMES = ("https://", "http://", "ssh://", "git@", "git://", "codecommit")


def module_folder(root: Path, module: Any) -> Path:
    """Where a module's code is on this machine: its clone for a `git::` path, else the project-relative path."""
    # Seed-Farmer sets the local path of a plain path to that path itself, relative to the project root.
    local = module.get_local_path() if hasattr(module, "get_local_path") else None
    return root / str(local or module.path)


def resolve_git_paths(deployment: Any) -> None:
    """Clone every `git::` module path that is reachable offline; refuse the others, naming group and module."""
    for group in deployment.groups:
        for module in group.modules:
            path = str(module.path)
            if not path.startswith("git::"):
                continue
            where = f"group '{group.name}', module '{module.name}'"
            source = path.removeprefix("git::")
            if source.startswith(_NETWORK_SCHEMES):
                raise ManifestError(
                    f"{where}: path {path} needs the network to clone, and the rehearsal runs offline; clone it "
                    "once and point the path at the clone (git::file:///path/to/repo.git//folder?ref=...)"
                )
            repository = source.split("?")[0].split(".git//")[0].removeprefix("file://")
            if not repository.endswith(".git") and ".git//" in source:
                repository += ".git"
            if not Path(repository).exists():
                raise ManifestError(f"{where}: path {path}: no repository at {repository}")
            _clone(where, module)


def _clone(where: str, module: Any) -> None:
    from seedfarmer.commands._deployment_commands import _process_git_module_path
    from seedfarmer.errors import InvalidConfigurationError

    try:
        _process_git_module_path(module=module)
    except InvalidConfigurationError as error:
        # git's own words, whole (they name the ref it could not find); Seed-Farmer's generic advice after
        # them ("1. Make sure your path ...") is replaced by what fits a ?ref=.
        detail = " ".join(str(error).split()).split(" 1. Make sure your path")[0]
        raise ManifestError(
            f"{where}: path {module.path} could not be cloned: {detail}; ?ref= must name a tag, branch or commit "
            "the repository has (git ls-remote <repository> lists its tags and branches)"
        ) from None
