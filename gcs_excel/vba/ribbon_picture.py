"""A picture of the 集团客户 tab for the README, drawn from customUI14.xml itself (so it
cannot show a button the workbooks do not have). ribbon_layout() places every shape and
text (pure, tested); draw_png() paints them with Pillow and the Noto CJK font. The icons
are placeholders: Excel shows its built-in icons (the imageMso names in the XML).

Regenerate (needs the `docs` extra, Pillow, and fonts-noto-cjk):
    python -m gcs_excel.vba.ribbon_picture docs/img/ribbon.png
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET

from ..textwidth import display_width
from .ribbon import CUSTOMUI_NS

FONT_FILE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_FILE_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_INDEX = 2                         # Noto Sans CJK SC inside the collection
BUILT_IN_TABS = ("文件", "开始")       # Excel's tabs before ours (insertAfterMso="TabHome")
AFTER_TABS = ("插入", "页面布局", "公式", "数据", "审阅", "视图")
BUTTON_W, ICON, PAD = 84, 32, 8        # pixels at scale 1
TAB_H, BODY_H = 32, 108
GREEN, GREY, LINE, BODY = "#217346", "#444444", "#D0D0D0", "#F5F5F5"
SCALE = 2                              # drawn at twice the size: sharp on high-density screens


@dataclass(frozen=True)
class Box:
    """A rectangle: (x, y, width, height), fill and outline colours, corner radius."""
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    outline: str | None = None
    radius: float = 0


@dataclass(frozen=True)
class Text:
    """A text centred on x with its baseline at y."""
    x: float
    y: float
    text: str
    size: int
    colour: str = GREY
    bold: bool = False


def _split_label(label: str) -> list[str]:
    """A large button's label on one line, or in two halves as Office wraps it."""
    if display_width(label) <= 8:
        return [label]
    half = (len(label) + 1) // 2
    return [label[:half], label[half:]]


def ribbon_layout(xml: bytes) -> tuple[int, int, list[Box | Text]]:
    """(width, height, shapes) of the ribbon customUI14.xml describes: the tab row with
    our tab selected after 开始, then each group with its large buttons and its label."""
    ns = {"c": CUSTOMUI_NS}
    tab = SafeET.fromstring(xml).find("c:ribbon/c:tabs/c:tab", ns)
    groups = [(g.get("label"), [b.get("label") for b in g.findall("c:button", ns)]) for g in tab.findall("c:group", ns)]
    width = max(PAD + sum(len(b) * BUTTON_W + 2 * PAD + 1 for _, b in groups) + PAD, 600)
    shapes: list[Box | Text] = [Box(0, 0, width, TAB_H + BODY_H, fill="#FFFFFF"),
                                Box(0, TAB_H, width, BODY_H, fill=BODY, outline=LINE)]
    x = PAD
    for name in (*BUILT_IN_TABS, tab.get("label"), *AFTER_TABS):
        w = display_width(name) * 7 + 22
        ours = name == tab.get("label")
        if ours:
            shapes += [Box(x, 4, w, TAB_H - 3, fill=BODY, outline=LINE), Box(x + 1, TAB_H - 1, w - 2, 3, fill=BODY)]
        shapes.append(Text(x + w / 2, TAB_H - 10, name, 13, GREEN if ours or name == "文件" else GREY, bold=ours))
        x += w + 2
    x = PAD
    for label, buttons in groups:
        group_w = len(buttons) * BUTTON_W + 2 * PAD
        for i, text in enumerate(buttons):
            left = x + PAD + i * BUTTON_W
            icon_x = left + (BUTTON_W - ICON) / 2
            shapes += [Box(icon_x, TAB_H + 10, ICON, ICON, fill="#DCEBDD", outline=GREEN, radius=5),
                       Box(icon_x + 9, TAB_H + 19, ICON - 18, ICON - 18, outline=GREEN, radius=2)]
            shapes += [Text(left + BUTTON_W / 2, TAB_H + 62 + 15 * k, line, 12, "#222222")
                       for k, line in enumerate(_split_label(text))]
        shapes.append(Text(x + group_w / 2, TAB_H + BODY_H - 8, label, 11, "#666666"))
        x += group_w
        shapes.append(Box(x, TAB_H + 6, 1, BODY_H - 12, fill=LINE))
        x += 1
    return width, TAB_H + BODY_H, shapes


def draw_png(xml: bytes, out: Path) -> Path:
    """Paint ribbon_layout(xml) into a PNG at out (Pillow, Noto Sans CJK SC)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height, shapes = ribbon_layout(xml)
    image = Image.new("RGB", (width * SCALE, height * SCALE), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}
    for s in shapes:
        if isinstance(s, Box):
            box = [s.x * SCALE, s.y * SCALE, (s.x + s.w) * SCALE - 1, (s.y + s.h) * SCALE - 1]
            draw.rounded_rectangle(box, radius=s.radius * SCALE, fill=s.fill, outline=s.outline,
                                   width=SCALE if s.outline else 0)
        else:
            key = (s.size * SCALE, s.bold)
            if key not in fonts:
                fonts[key] = ImageFont.truetype(FONT_FILE_BOLD if s.bold else FONT_FILE, key[0], index=FONT_INDEX)
            draw.text((s.x * SCALE, s.y * SCALE), s.text, font=fonts[key], fill=s.colour, anchor="ms")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return out


if __name__ == "__main__":
    from .workbooks import MACROS_DIR

    print(draw_png((MACROS_DIR / "customUI14.xml").read_bytes(), Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img/ribbon.png")))
