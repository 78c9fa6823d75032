"""One version for the repository, the same wherever it is written, and a license a company can use."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from urllib.parse import parse_qs

from tests.repository import MODULE_DIRS, ROOT

VERSION = (ROOT / "VERSION").read_text().strip()
RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>.+)$", re.MULTILINE)
GIT_PATH = re.compile(r"git::[^\s`]+?\.git//[^\s`]+")
DOCUMENTS = [ROOT / "README.md", *(folder / "README.md" for folder in MODULE_DIRS), *ROOT.glob("docs/*.md")]


def _semver(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    assert match, f"{text!r} is not MAJOR.MINOR.PATCH"
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch)


def test_version_file_holds_one_semantic_version() -> None:
    assert (ROOT / "VERSION").read_text() == f"{VERSION}\n"
    _semver(VERSION)


def test_changelog_newest_release_is_the_version_and_releases_run_newest_first() -> None:
    releases = RELEASE_HEADING.findall((ROOT / "CHANGELOG.md").read_text())
    assert releases, "CHANGELOG.md has no `## [x.y.z] - date` heading"
    assert releases[0][0] == VERSION, f"CHANGELOG's newest release is {releases[0][0]}, VERSION says {VERSION}"
    versions = [_semver(version) for version, _ in releases]
    assert versions == sorted(versions, reverse=True)
    assert len(set(versions)) == len(versions)
    for version, date in releases[1:]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), f"released {version} needs its date, not {date!r}"
    assert releases[0][1] == "Unreleased" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0][1])


def test_every_pinned_git_path_in_the_docs_names_a_ref_that_exists_and_a_real_module() -> None:
    """Parsed as Seed-Farmer's git support does: `<url>.git//<folder>?ref=<ref>`. The tag v<version> exists
    only once CHANGELOG.md dates the release; until then the docs pin a commit."""
    released = RELEASE_HEADING.findall((ROOT / "CHANGELOG.md").read_text())[0][1] != "Unreleased"
    expected = f"v{VERSION}" if released else "<commit>"
    found = 0
    for document in DOCUMENTS:
        for path in GIT_PATH.findall(document.read_text()):
            found += 1
            location, _, query = path.removeprefix("git::").partition("?")
            _, _, folder = location.partition(".git//")
            assert parse_qs(query).get("ref") == [expected], f"{document.name}: {path} should pin {expected}"
            assert (ROOT / folder / "deployspec.yaml").is_file(), f"{document.name}: {path} names no module"
    assert found >= 2, "the README shows how a manifest pins each module"


def test_the_readme_says_to_ignore_what_seedfarmer_and_the_rehearsal_write_into_a_deployment_repository() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "`seedfarmer.gitmodules/`" in readme
    assert "`.rehearsal/`" in readme
    assert "`.gitignore`" in readme


def test_every_written_mention_of_the_version_is_the_version() -> None:
    for document in DOCUMENTS:
        for mentioned in re.findall(r"\[`VERSION`\]\(VERSION\) \(([^)]+)\)", document.read_text()):
            assert mentioned == VERSION, f"{document.name} says the version is {mentioned}"
        for mentioned in re.findall(r"\?ref=v(\d+\.\d+\.\d+)", document.read_text()):
            assert mentioned == VERSION, f"{document.name} pins v{mentioned}"


def test_license_is_the_apache_2_text_and_notice_names_it() -> None:
    # constructs ships the standard Apache-2.0 text, appendix included.
    standard = importlib.metadata.distribution("constructs").read_text("LICENSE")
    assert standard is not None
    assert (ROOT / "LICENSE").read_text() == standard
    assert "Apache License, Version 2.0" in (ROOT / "NOTICE").read_text()


def test_readme_links_the_license_changelog_and_version() -> None:
    readme = (ROOT / "README.md").read_text()
    for target in ("LICENSE", "CHANGELOG.md", "VERSION"):
        assert f"]({target})" in readme
        assert Path(ROOT / target).is_file()
