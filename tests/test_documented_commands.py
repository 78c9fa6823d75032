"""The commands the READMEs show run clean: no Node.js end-of-life banner from the CDK's runtime."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.repository import MODULE_DIRS, ROOT

SILENCE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
# The Node.js versions `make` silences; the documented commands must silence the same ones.
MAKEFILE_SILENCED = re.findall(rf"export {SILENCE} := (\S+)", (ROOT / "Makefile").read_text())


@pytest.mark.parametrize("readme", [ROOT / "README.md", *(d / "README.md" for d in MODULE_DIRS)], ids=str)
def test_every_documented_synthesis_silences_the_node_end_of_life_banner(readme: Path) -> None:
    """jsii prints an 11-line banner unless the variable lists the running Node.js major version."""
    assert len(MAKEFILE_SILENCED) == 1
    for block in re.findall(r"```bash\n(.*?)```", readme.read_text(), re.DOTALL):
        if "python app.py" not in block:
            continue
        match = re.search(rf"\b{SILENCE}=(\S+)", block)
        assert match, f"{readme.relative_to(ROOT)}: a documented synthesis without {SILENCE}"
        assert match.group(1) == MAKEFILE_SILENCED[0], "the READMEs and the Makefile silence the same Node.js versions"
