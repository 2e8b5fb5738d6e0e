"""Workbooks to PDF through LibreOffice headless, with a profile of the run's own (two runs
at once never share one) and the PDF put in place atomically."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .writing import atomic_output

TIMEOUT = 600           # seconds: a few hundred notices print in well under a minute

# 等线 (DengXian), the workbooks' font, is on Windows but not on Linux, where LibreOffice's
# fallback has digits a third wider than 等线's and prints every sheet smaller than Excel
# does. Noto Sans CJK SC has 等线's digit width and one-em CJK characters: where 等线 is
# missing, LibreOffice prints with it in 等线's place (tests/printcheck.py does the same).
STAND_IN = "Noto Sans CJK SC"
FONTS_CONF = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="pattern"><test name="family"><string>等线</string></test>
    <edit name="family" mode="assign" binding="strong"><string>{STAND_IN}</string></edit></match>
  <match target="pattern"><test name="family"><string>DengXian</string></test>
    <edit name="family" mode="assign" binding="strong"><string>{STAND_IN}</string></edit></match>
</fontconfig>
"""


def _font_env(folder: Path) -> dict[str, str] | None:
    """An environment with 等线 stood in for, where fontconfig lacks 等线 and has the stand-in."""
    if shutil.which("fc-match") is None:
        return None                         # Windows, macOS: their own font lookup
    def family(name: str) -> str:
        return subprocess.run(["fc-match", "-f", "%{family}", name], capture_output=True, text=True).stdout
    if "等线" in family("等线") or "DengXian" in family("等线") or STAND_IN not in family(STAND_IN):
        return None
    (folder / "fonts.conf").write_text(FONTS_CONF, "utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


def find_soffice() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(workbook: str | Path, *, soffice: str | None = None) -> Path | None:
    """Print every sheet of a workbook to one PDF beside it (same name, .pdf), as each
    sheet's page setup says. None when LibreOffice is not installed; a WriteError when
    it cannot print or the PDF cannot be written."""
    from .errors import WriteError

    exe = soffice or find_soffice()
    if exe is None:
        return None
    workbook = Path(workbook)
    target = workbook.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="gcs-pdf-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(workbook)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=_font_env(Path(tmp)))
        except (OSError, subprocess.TimeoutExpired) as e:
            raise WriteError(f"LibreOffice 没能把 {workbook.name} 转成 PDF：{e}") from None
        made = Path(tmp, workbook.stem + ".pdf")
        if run.returncode != 0 or not made.exists():
            why = (run.stderr or run.stdout).strip().splitlines()
            raise WriteError(f"LibreOffice 没能把 {workbook.name} 转成 PDF（{why[-1] if why else run.returncode}）")
        with atomic_output(target, [workbook]) as out:
            shutil.copyfile(made, out)
    return target
