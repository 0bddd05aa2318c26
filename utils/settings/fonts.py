"""Hangul in matplotlib's figures: its default font, DejaVu Sans, draws Korean as empty boxes."""

from matplotlib import font_manager, rcParams

from utils.settings.language import tr

#: The Korean fonts tried, in order: Debian's fonts-nanum (Colab, Binder, the hub image), Google's Noto CJK,
#: then those that come with Windows and macOS.
KOREAN_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo")


def _installed() -> list[str]:
    names = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in KOREAN_FONTS if name in names]


def use_korean_font() -> str | None:
    """Put the installed ``KOREAN_FONTS`` first in ``rcParams["font.family"]`` (matplotlib draws each glyph
    with the first font of the list that has it) and set ``axes.unicode_minus`` off (Korean fonts often
    lack the minus sign U+2212). Returns a line saying how to install one when none is installed, else None."""
    found = _installed()
    if not found:  # installed after matplotlib cached its font list (Colab's first cell installs one)
        for path in font_manager.findSystemFonts():
            if "nanum" in path.lower() or "notosanscjk" in path.lower().replace("-", ""):
                font_manager.fontManager.addfont(path)
        found = _installed()
    if not found:
        return tr("No Korean font found, so figures draw Hangul as boxes: install one (Debian, Ubuntu, Colab: "
                  "`apt-get install fonts-nanum`), then restart the kernel.")
    families = [name for name in rcParams["font.family"] if name not in found]
    rcParams["font.family"] = [*found, *families]
    rcParams["axes.unicode_minus"] = False
    return None
