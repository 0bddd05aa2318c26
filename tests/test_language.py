"""The course's messages in English and Korean (``COURSE_LANG``): every ``tr()`` call in ``utils/`` names its
English template as a literal, ``utils/settings/ko_messages.py`` has a Korean entry for each and no other, with
the same fields; real calls speak Korean under ``COURSE_LANG=ko`` and English without it; a Korean figure finds its
glyphs; a Korean line fits the columns its English is held to (Hangul counting two)."""

from __future__ import annotations

import ast
import os
import string
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from PIL import Image

from tests.test_notebook_twins import TWINS
from tests.test_selfcheck import solved, wrong
from utils.errors import SettingsError
from utils.settings.device import cap_cpu_threads
from utils.settings.environment import REPO_ROOT, read_environment
from utils.settings.fonts import use_korean_font
from utils.settings.ko_messages import MESSAGES
from utils.settings.language import display_width, tr
from utils.settings.notebook_setup import setup_notebook
from utils.support.selfcheck import CHECKS

UTILS = REPO_ROOT / "utils"
#: tr()'s own module and the tools that stay English.
NOT_TRANSLATED = [UTILS / "settings" / "language.py", *sorted((UTILS / "tools").glob("*.py"))]
_FORMATTER = string.Formatter()


def _tr_calls(path: Path) -> list[ast.Call]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "tr") or (isinstance(func, ast.Attribute)
                                                                     and func.attr == "tr"):
                calls.append(node)
    return calls


def _modules() -> list[Path]:
    """The modules whose messages a learner reads: utils/ and the static site's own words (classroom/)."""
    return [p for p in [*sorted(UTILS.rglob("*.py")), REPO_ROOT / "classroom" / "static_site.py"]
            if p not in NOT_TRANSLATED]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO_ROOT)}:{node.lineno}"


def _fields(template: str) -> list[tuple[str, str | None, str]]:
    """``(name, conversion, format spec)`` of each ``{field}`` of ``template``."""
    return [(name, conversion, spec) for _, name, spec, conversion in _FORMATTER.parse(template)
            if name is not None]


def english_templates() -> dict[str, list[str]]:
    """Each English template that a ``tr()`` call in ``utils/`` names, with the places that call it."""
    found: dict[str, list[str]] = {}
    for path in _modules():
        for call in _tr_calls(path):
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, []).append(_where(path, call))
    return found


def _hangul(text: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in text)


# ----------------------------------------------------------------------------- the templates


def test_every_tr_call_names_its_english_template_as_a_literal_and_fills_exactly_its_fields() -> None:
    problems = []
    for path in _modules():
        for call in _tr_calls(path):
            first = call.args[0] if call.args else None
            if len(call.args) != 1 or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                problems.append(f"{_where(path, call)}: the first argument is not a string literal")
                continue
            given = {keyword.arg for keyword in call.keywords}
            wanted = {name for name, _, _ in _fields(first.value)}
            if None in given or given != wanted:
                problems.append(f"{_where(path, call)}: fields {sorted(wanted)}, keywords {sorted(map(str, given))}")
    assert not problems, problems
    assert len(english_templates()) > 200  # the walk found them


def test_the_lessons_twins_and_the_tools_call_no_tr() -> None:
    """A twin's text must equal its notebook cell's; the teacher's tools stay English."""
    inside = []
    for _, _, module, name in TWINS:
        path = REPO_ROOT / module
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if getattr(node, "name", None) == name:
                inside += [_where(path, n) for n in ast.walk(node) if isinstance(n, ast.Name) and n.id == "tr"]
    tools = [str(p.relative_to(REPO_ROOT)) for p in sorted((UTILS / "tools").glob("*.py")) if _tr_calls(p)]
    assert not inside and not tools, (inside, tools)


def test_every_english_template_has_its_korean() -> None:
    missing = {template: places[0] for template, places in english_templates().items() if template not in MESSAGES}
    assert not missing, "no Korean in utils/settings/ko_messages.py for:\n" + "\n".join(
        f"  {where}: {template!r}" for template, where in missing.items())


def test_every_korean_entry_is_used_by_a_tr_call() -> None:
    used = english_templates()
    stale = [template for template in MESSAGES if template not in used]
    assert not stale, f"Korean entries that no tr() call uses (stale): {stale}"


@pytest.mark.parametrize("english", list(MESSAGES), ids=lambda t: t[:40])
def test_a_korean_entry_has_the_fields_of_its_english_and_is_korean(english: str) -> None:
    korean = MESSAGES[english]
    assert sorted(_fields(korean)) == sorted(_fields(english))
    if not _fields(english):  # tr() does not format it: a brace would be shown as written
        assert (korean.count("{"), korean.count("}")) == (english.count("{"), english.count("}"))
    assert _hangul(korean), f"not Korean: {korean!r}"
    assert korean.startswith(" ") == english.startswith(" ") and korean.endswith(".") == english.endswith(".")


def test_the_checks_can_fail() -> None:
    assert _fields("{path!r} has {n:.1%} of {n:.1%}") == [("path", "r", ""), ("n", None, ".1%"), ("n", None, ".1%")]
    assert sorted(_fields("{a} {b}")) != sorted(_fields("{a} {c}"))
    assert not _hangul("plain English") and _hangul("혼동 행렬")


# ----------------------------------------------------------------------------- real calls, both languages


@pytest.fixture
def korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "ko")


def test_a_settings_error_speaks_the_course_language(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {"COURSE_SMOKE": "maybe"}
    with pytest.raises(SettingsError) as english:
        read_environment(bad)
    assert str(english.value).startswith("COURSE_SMOKE='maybe' is not understood: use COURSE_SMOKE=1")
    monkeypatch.setenv("COURSE_LANG", "ko")
    with pytest.raises(SettingsError) as korean:
        read_environment(bad)
    template = ("{var}={value!r} is not understood: use {var}=1 for smoke mode or leave it unset for the full "
                "course.")
    assert str(korean.value) == MESSAGES[template].format(var="COURSE_SMOKE", value="maybe")
    assert _hangul(str(korean.value)) and "not understood" not in str(korean.value)


def test_a_check_hint_speaks_the_course_language(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from utils.support.selfcheck import check

    wide = Image.new("RGB", (20, 10))
    assert check("02.5", wide) is False
    assert capsys.readouterr().out == "✘ 02.5: this picture is not taller than wide\n"
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert check("02.5", wide) is False
    assert capsys.readouterr().out == f"✘ 02.5: {MESSAGES['this picture is not taller than wide']}\n"


def _setup_lines(capsys, lang: str, **environ: str) -> list[str]:
    with matplotlib.rc_context():  # lang="ko" puts a Korean font first
        setup_notebook(lang=lang, verbose=True, environ=environ or None)
    return capsys.readouterr().out.splitlines()


def test_the_setup_lines_speak_the_notebooks_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # weights not cached: the longest lines
    for var in ("COURSE_SMOKE", "COURSE_BATCH_SIZE", "COURSE_SPEED", "COURSE_PRECISION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COURSE_LANG", "en")  # restored afterwards: setup_notebook sets it for the kernel
    english = _setup_lines(capsys, "en")
    assert [line.split(":")[0] for line in english if line.startswith(("Device", "Data", "Saving"))] == [
        "Device", "Data", "Saving to"]
    assert "Seed 1234, batch size 32. Full mode: every picture, as in the book." in english
    korean = _setup_lines(capsys, "ko")
    assert os.environ["COURSE_LANG"] == "ko"  # for what the kernel calls and starts next
    assert [line.split(":")[0] for line in korean if line.startswith(("사용 장치", "데이터", "저장 위치"))] == [
        "사용 장치", "데이터", "저장 위치"]
    assert "시드 1234, 배치 크기 32. " + MESSAGES["Full mode: every picture, as in the book."] in korean
    assert any(line.startswith("고속화: ") for line in korean)
    assert any(line.startswith("VGG16 가중치: ") for line in korean)  # cached or not
    assert not [line for line in korean if line.startswith(("Device", "Seed", "VGG16 weights", "Speed"))]
    smoke = _setup_lines(capsys, "ko", COURSE_SMOKE="1", TORCH_HOME=str(tmp_path))
    assert "시드 1234, 배치 크기 32. 스모크 모드(COURSE_SMOKE=1): 클래스와 페이즈(학습·검증)마다 이미지 4장." in smoke
    for line in korean + smoke:  # the English setup lines are held to 100 columns (tests/test_course_mode.py)
        assert display_width(line) <= 100, line


def test_a_figure_title_speaks_the_course_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from utils.support.evaluation import plot_confusion_matrix

    cm = torch.tensor([[3, 1], [2, 4]])
    ax = plot_confusion_matrix(cm).axes[0]
    assert ax.get_title() == "Confusion matrix\naccuracy 0.7000 (7/10)" and ax.get_xlabel() == "predicted class"
    monkeypatch.setenv("COURSE_LANG", "ko")
    with matplotlib.rc_context():
        use_korean_font()  # as setup_notebook(lang="ko") does; without one, only the drawing differs
        ax = plot_confusion_matrix(cm).axes[0]
        assert ax.get_title() == "혼동 행렬\n정확도 0.7000 (7/10)" and ax.get_xlabel() == MESSAGES["predicted class"]
        assert plot_confusion_matrix(cm, title="3 에폭 뒤").axes[0].get_title().startswith("3 에폭 뒤\n")


def test_tr_falls_back_to_english_and_fills_the_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert tr("not a template of the course {n}", n=1) == "not a template of the course 1"
    assert tr("top-{k}", k=5) == "상위 5개"
    monkeypatch.setenv("COURSE_LANG", "xx")  # read_environment says what is wrong; messages stay English
    assert tr("top-{k}", k=5) == "top-5"


# ----------------------------------------------------------------------------- Hangul in figures


def _draw(title: str) -> None:
    fig, ax = plt.subplots()
    ax.set_title(title)
    fig.canvas.draw()


def test_a_korean_title_finds_its_glyphs_after_use_korean_font() -> None:
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="Glyph .* missing"):  # what the test below would catch
            _draw("학습 곡선")
        hint = use_korean_font()
        if hint is not None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI has no Korean font: {hint}")
            pytest.skip(f"no Korean font installed here: {hint}")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _draw(MESSAGES["Learning curves"] + " — " + MESSAGES["epoch (0 = before training)"])


def test_a_font_installed_after_matplotlib_listed_its_fonts_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colab's first cell installs fonts-nanum into a runtime whose matplotlib has listed its fonts already."""
    from matplotlib import font_manager

    if not [path for path in font_manager.findSystemFonts() if "nanum" in path.lower()]:
        pytest.skip("fonts-nanum is not installed here (apt-get install fonts-nanum)")
    listed = [font for font in font_manager.fontManager.ttflist if "Nanum" not in font.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", listed)  # as if listed before the install
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        assert use_korean_font() is None
        assert matplotlib.rcParams["font.family"][:2] == ["NanumGothic", "sans-serif"]
        assert not matplotlib.rcParams["axes.unicode_minus"]


# ----------------------------------------------------------------------------- Korean lines, English widths


@pytest.mark.usefixtures("korean")
def test_the_korean_cpu_threads_line_fits_like_the_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cpu.max").write_text("150000 100000")
    monkeypatch.setattr(torch, "get_num_threads", lambda: 128)
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)
    line = cap_cpu_threads(tmp_path)
    assert line.startswith("CPU 스레드: 1개") and display_width(line) < 80, line


@pytest.mark.usefixtures("korean")
@pytest.mark.parametrize("bf16, training, inference", [(None, 1.3, 0.9), (4.1, 1.0, 1.0), (0.2, 0.99, 1.59)])
def test_the_korean_speed_lines_fit_like_the_english(monkeypatch: pytest.MonkeyPatch, bf16, training,
                                                     inference) -> None:
    from tests.test_speed import patch_cpu
    from utils.settings.speed import choose_speed

    patch_cpu(monkeypatch, bf16, training, inference)
    for speed in (choose_speed("cpu"), choose_speed("cpu", "fp32")):
        lines = speed.describe().splitlines()
        assert lines[0].startswith("고속화: ") and all(display_width(line) <= 100 for line in lines), lines


@pytest.mark.usefixtures("korean")
def test_the_korean_weights_banners_fit_like_the_english() -> None:
    from utils.pretrained_vgg import WeightsInfo

    hint = tr("Get the weights while online with {command}, or copy {name} from a course mirror or another "
              "machine into {folder}.", command="`make weights`", name="vgg16-397923af.pth",
              folder="/home/learner/.cache/torch/hub/checkpoints")
    why = tr("No weights, so smoke mode goes on with a random stand-in: {err} {hint}",
             err="could not download https://download.pytorch.org/models/vgg16-397923af.pth (offline).",
             hint=hint)
    standin = WeightsInfo("standin", path=None, sha256=None, genuine=False, why=why).describe()
    foreign = WeightsInfo("checkpoint", Path("/w/vgg16-397923af.pth"), "0" * 64, genuine=False).describe()
    for text in (standin, foreign):
        assert _hangul(text) and max(map(display_width, text.splitlines())) <= 88, text
    assert "STAND-IN" in standin and "MEANINGLESS" in foreign


@pytest.mark.usefixtures("korean")
@pytest.mark.parametrize("exercise", list(CHECKS))
def test_the_korean_checks_pass_and_fail_in_lines_that_fit(exercise: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from utils.support import selfcheck

    monkeypatch.setattr(selfcheck, "_on_gpu", lambda tensor: True)  # 04.3 runs on this machine too
    assert selfcheck.check(exercise, *solved(exercise, tmp_path)) is True
    assert capsys.readouterr().out == f"✔ {exercise}: {selfcheck.CHECKS[exercise][2]}\n"
    assert _hangul(selfcheck.CHECKS[exercise][2])
    assert selfcheck.check(exercise, *wrong(exercise, tmp_path)) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✘ {exercise}: ") and _hangul(out)
    assert max(map(display_width, out.splitlines())) <= 88, out  # as tests/test_selfcheck.py holds the English


def test_the_checks_table_is_read_in_the_language_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    english = list(CHECKS)
    assert CHECKS["03.4"][1] == "not classifier.3 and .6 alone"
    monkeypatch.setenv("COURSE_LANG", "ko")  # after the import, as a notebook's setup cell does
    assert list(CHECKS) == english and CHECKS["03.4"][1] == MESSAGES["not classifier.3 and .6 alone"]
    monkeypatch.delenv("COURSE_LANG")
    assert CHECKS["03.4"][1] == "not classifier.3 and .6 alone"


@pytest.mark.usefixtures("korean")
def test_the_korean_history_lines_fit_like_the_english() -> None:
    from utils.support.evaluation import format_history
    from utils.training import EpochStats, History

    records = [EpochStats(0, "val", 0.7, 0.5, 1.0, 10)] + [
        EpochStats(e, phase, 0.5, 0.7, 1.0, 10) for e in range(1, 3) for phase in ("train", "val")]
    lines = format_history(History(records, batches_trained=3, finished=False)).splitlines()
    assert _hangul(lines[-2]) and _hangul(lines[-1])
    assert all(display_width(line) < 90 for line in lines), lines
