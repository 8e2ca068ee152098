"""Assemble each add-on's README.rst from its readme/ fragments.

OCA add-ons keep their documentation in readme/*.md and generate README.rst
from it; this does the same for this repository's add-ons. With --check it
only reports add-ons whose README.rst is out of date (exit 1).
"""

import ast
import sys
from pathlib import Path

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


def main(check: bool) -> int:
    stale = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        target = addon / "README.rst"
        text = render(addon)
        if target.exists() and target.read_text() == text:
            continue
        if check:
            stale.append(addon.name)
        else:
            target.write_text(text)
    if stale:
        print(f"README.rst out of date in {', '.join(stale)}: run 'make readme'")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
