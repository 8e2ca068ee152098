"""Assemble each add-on's README.rst from its readme/ fragments.

OCA add-ons keep their documentation in readme/*.md and generate README.rst
from it; this does the same for this repository's add-ons. With --check it
only reports add-ons whose README.rst is out of date (exit 1).
"""

import ast
import sys
from pathlib import Path

import docutils.core
import docutils.utils

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage")]


def render(addon: Path) -> str:
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        "..\n   This file is generated from readme/*.md by tools/gen_readme.py: edit those.",
        "",
        f"**{manifest['summary']}**",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = addon / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        # The fragments use the subset of Markdown that is also valid RST.
        parts += [fragment.read_text().strip(), ""]
    parts += [
        "License",
        "=======",
        "",
        f"{manifest['license']}, by {manifest['author']}.",
        "",
    ]
    return "\n".join(parts)


def rst_problems(text: str) -> str:
    """Odoo renders README.rst as the module description: it must be clean RST."""
    try:
        docutils.core.publish_string(
            text, writer_name="null", settings_overrides={"halt_level": 2, "report_level": 5}
        )
    except docutils.utils.SystemMessage as problem:
        return str(problem)
    return ""


def main(check: bool) -> int:
    stale = []
    broken = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        target = addon / "README.rst"
        text = render(addon)
        problem = rst_problems(text)
        if problem:
            broken.append(f"{addon.name}: {problem}")
        if target.exists() and target.read_text() == text:
            continue
        if check:
            stale.append(addon.name)
        else:
            target.write_text(text)
    for problem in broken:
        print(f"README.rst is not valid RST, fix readme/*.md: {problem}")
    if stale:
        print(f"README.rst out of date in {', '.join(stale)}: run 'make readme'")
    return 1 if stale or broken else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
