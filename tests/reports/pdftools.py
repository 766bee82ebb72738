"""Reading the reports' PDFs the way a person checks them: the text (pdftotext) and the fonts
(pdffonts), from Debian's poppler-utils."""

import subprocess
from pathlib import Path


def pdf_text(path: Path) -> str:
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode()


def pdf_fonts(path: Path) -> list[dict]:
    """One dict per font: name, type, emb (yes/no), sub (yes/no)."""
    result = subprocess.run(  # noqa: S603
        ["pdffonts", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=30,
    )
    fonts = []
    for line in result.stdout.decode().splitlines()[2:]:
        parts = line.split()
        # name, type (one or more words), encoding, emb, sub, uni, object, id
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def pdf_pages(path: Path) -> int:
    return pdf_text(path).count("\f")
