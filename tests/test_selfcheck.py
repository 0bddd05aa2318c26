"""The Try-it self-checks (utils/support/selfcheck.py): each passes on its exercise's solution and fails clearly
(False, one ✘ line) on a wrong answer, among them the three kinds of wrong solution a review found: one that never
trains what its question asks about, one that never times what it compares, one that reuses a variable an earlier
cell overwrote; every exercise has a check; the student edition keeps the checks."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
import torch
from PIL import Image
from torch import nn, optim
from torch.utils.data import DataLoader
from torchvision import models, transforms

from classroom.student_edition import remove_solutions, student_notebook
from utils.dataloader_image_classification import MEAN, STD, BaseTransform, HymenopteraDataset, ImageTransform
from utils.support.checkpoints import load_state_dict
from utils.support.evaluation import Predictions
from utils.support.model_summary import count_parameters
from utils.support import selfcheck
from utils.support.selfcheck import CHECKS, check
from utils.training import FINE_TUNING_GROUPS, make_fine_tuning_param_groups
from utils.support.visualization import channel_stats
from utils.training import EpochStats, History
from utils.settings.language import display_width

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
CALL = re.compile(r'check\("(\d\d\.\d+)"')


def vgg16_2(trainable=("classifier.6.",)) -> nn.Module:
    """VGG16 with the 2-class head, on the meta device (shapes, no memory): only ``trainable`` train."""
    with torch.device("meta"):
        net = models.vgg16(weights=None)
        net.classifier[6] = nn.Linear(4096, 2)
    for name, param in net.named_parameters():
        param.requires_grad = name.startswith(trainable)
    return net


def history(train_epochs: int, finished: bool = True) -> History:
    records = [EpochStats(e, phase, 0.5, 0.5, 1.0, 8) for e in range(train_epochs + 1)
               for phase in (("val",) if e == 0 else ("train", "val"))]
    return History(records, batches_trained=train_epochs, finished=finished)


def sgd(params, lr: float = 1e-3, steps: int = 1) -> optim.SGD:
    """SGD with momentum over ``params`` (tensors or groups), after ``steps`` steps on zero gradients."""
    optimizer = optim.SGD(params, lr=lr, momentum=0.9)
    for _ in range(steps):
        for group in optimizer.param_groups:
            for param in group["params"]:
                param.grad = torch.zeros_like(param)
        optimizer.step()
    return optimizer


def trained(net: nn.Module, optimizer: optim.Optimizer) -> tuple:
    """``(net, optimizer, history)`` as after train_model: the run's history is ``net.history``."""
    net.history = history(1)
    return net, optimizer, net.history


class PhotoNet(nn.Module):
    """Small, with VGG16's ``features[29]`` (a convolution here): enough for Grad-CAM at that layer."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.features = nn.Sequential(*[nn.Identity() for _ in range(29)], nn.Conv2d(3, 4, 3, padding=1))
        self.classifier = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean(dim=(2, 3)))


def photo_cam(photo: Image.Image, net: nn.Module) -> torch.Tensor:
    from utils.gradcam import grad_cam
    return grad_cam(net, ImageTransform(224, MEAN, STD)(photo, "val"), net.features[29])[0]


def photos() -> tuple[Image.Image, Image.Image]:
    noise = torch.Generator().manual_seed(1)
    return tuple(transforms.ToPILImage()(torch.rand(3, 240, 300, generator=noise)) for _ in range(2))


def picture(tmp_path: Path, size=(40, 30)) -> Path:
    Image.new("RGB", size, "orange").save(tmp_path / "my_photo.png")
    return tmp_path / "my_photo.png"


def val_paths(tmp_path: Path, ants: int, bees: int, phase: str = "val") -> list[str]:
    return ([str(tmp_path / phase / "ants" / f"a{i}.jpg") for i in range(ants)]
            + [str(tmp_path / phase / "bees" / f"b{i}.jpg") for i in range(bees)])


def zero_shot_predictions() -> Predictions:
    """Four pictures: 'ant' (310) first, 'ant' third, 'bee' (309) below the top 5, 'bee' second."""
    probs = torch.full((4, 1000), 1e-4)
    for row, (cls, rank) in enumerate([(310, 0), (310, 2), (309, 7), (309, 1)]):
        probs[row, :10] = torch.linspace(0.5, 0.05, 10)
        probs[row, [cls, rank]] = probs[row, [rank, cls]]
    return Predictions(torch.tensor([0, 0, 1, 1]), probs.argmax(dim=1), probs)


def solved(exercise: str, tmp_path: Path) -> tuple:
    """The solution's answer to ``exercise``, computed cheaply (the real VGG16 shapes on the meta device)."""
    x = torch.rand(8, 3, 32, 32)
    if exercise == "01.1":
        return (picture(tmp_path),)
    if exercise == "01.2":
        return ([n for n, m in vgg16_2().named_modules() if isinstance(m, nn.Dropout)],)
    if exercise == "01.3":
        net = vgg16_2()
        f = net.features(torch.zeros(1, 3, 320, 320, device="meta"))
        return f.shape, net.avgpool(f).shape
    if exercise == "01.4":
        return (val_paths(tmp_path, 10, 10),)
    if exercise in ("01.5", "04.3"):
        lin = nn.Linear(4, 2)
        out_plain = lin(torch.ones(1, 4))
        with torch.no_grad():
            out_no_grad = lin(torch.ones(1, 4))
        if exercise == "01.5":
            return out_plain, out_no_grad
        return out_no_grad, out_no_grad * 1.001  # as the GPU computed it (the fixture gpu_for_04_3)
    if exercise == "02.1":
        return (transforms.Compose([transforms.RandomResizedCrop(224, scale=(0.08, 1.0)),
                                    transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                                    transforms.Normalize(MEAN, STD)]),)
    if exercise == "02.2":
        return (["RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation(180)"],)
    if exercise == "02.3":
        return (channel_stats(transforms.Normalize(MEAN, STD)(x)),)
    if exercise == "02.4":
        return (BaseTransform(224, (0, 0, 0), (1, 1, 1))(Image.new("RGB", (300, 260), "teal")),)
    if exercise == "02.5":
        return (Image.new("RGB", (300, 400)),)
    if exercise in ("03.1", "05.1"):
        return (history(3 if exercise == "03.1" else 5),)
    if exercise == "03.2":
        net = vgg16_2()
        return net, sgd(net.classifier[6].parameters(), lr=0.01)
    if exercise == "03.3":
        dataset = HymenopteraDataset(val_paths(tmp_path, 4, 4, "train"), ImageTransform(224, MEAN, STD), "train")
        return (DataLoader(dataset, batch_size=32, shuffle=False),)
    if exercise == "03.4":
        net = vgg16_2(("classifier.3.", "classifier.6."))
        assert count_parameters(net, trainable_only=True) == 16_789_506  # what the solution says
        return trained(net, sgd([*net.classifier[3].parameters(), *net.classifier[6].parameters()]))
    if exercise == "03.5":
        predictions = Predictions(torch.tensor([0, 1, 1, 0]), torch.tensor([0, 0, 1, 1]), torch.rand(4, 2))
        return [i for i in range(4) if predictions.preds[i] != predictions.labels[i]], predictions
    if exercise in ("04.1", "04.2"):
        net = vgg16_2()
        features, *others = make_fine_tuning_param_groups(net)
        if exercise == "04.1":
            return net, sgd([{"params": g["params"], "lr": 1e-3} for g in (features, *others)])
        for param in features["params"]:
            param.requires_grad = False
        assert count_parameters(net, trainable_only=True) == 119_554_050
        return trained(net, sgd(others))
    if exercise == "04.4":
        head = nn.Linear(4, 2)
        torch.save(head.state_dict(), tmp_path / "head.pth")
        os.truncate(tmp_path / "head.pth", (tmp_path / "head.pth").stat().st_size // 2)
        with pytest.raises(Exception) as caught:
            load_state_dict(head, tmp_path / "head.pth")
        return (caught.value,)
    if exercise == "04.5":
        return picture(tmp_path), torch.softmax(torch.tensor([2.0, -1.0]), dim=0)
    if exercise == "05.2":
        val_1000 = zero_shot_predictions()
        top5, right = val_1000.probs.topk(5, dim=1).indices, torch.tensor([310, 309])[val_1000.labels]
        return (top5 == right[:, None]).any(dim=1).float().mean().item(), val_1000
    if exercise == "05.3":
        net = vgg16_2()
        two_blocks = tuple(f"features.{i}." for i in range(17, 31))
        groups = make_fine_tuning_param_groups(net, {**FINE_TUNING_GROUPS, "features": (two_blocks, 1e-4)})
        assert count_parameters(net, trainable_only=True) == 132_533_250
        return trained(net, sgd(groups))
    if exercise == "05.4":
        return (vgg16_2().features[:23](torch.zeros(1, 3, 224, 224, device="meta")).shape,)
    if exercise == "05.5":
        photo, net = photos()[0], PhotoNet().eval()
        return photo_cam(photo, net), net, photo
    raise AssertionError(f"no solution for {exercise} in this test")


def wrong(exercise: str, tmp_path: Path) -> tuple:
    """A plausible wrong answer to ``exercise``."""
    x = torch.rand(8, 3, 32, 32)
    if exercise == "01.1":
        return (tmp_path / "not_there.jpg",)
    if exercise == "01.2":
        return (["classifier.0", "classifier.3"],)
    if exercise == "01.3":
        return (1, 512, 7, 7), (1, 512, 7, 7)  # a 224 input
    if exercise == "01.4":
        return (val_paths(tmp_path, 10, 0) * 2,)  # the same 10 ants twice
    if exercise == "01.5":
        with torch.inference_mode():
            out = nn.Linear(4, 2)(torch.ones(1, 4))
        return out, out
    if exercise == "02.1":
        return (ImageTransform(224, MEAN, STD).data_transform["train"],)
    if exercise == "02.2":
        return (["RandomHorizontalFlip", "ColorJitter"],)
    if exercise == "02.3":
        return (channel_stats(x),)  # 0..1, not normalised
    if exercise == "02.4":
        return (BaseTransform(224, MEAN, STD)(Image.new("RGB", (300, 260), "teal")),)
    if exercise == "02.5":
        return (Image.new("RGB", (400, 300)),)
    if exercise in ("03.1", "05.1"):
        return (history(1),)
    if exercise == "03.2":  # a variable an earlier cell overwrote: the optimizer of the network before reloading
        old_net, net = vgg16_2(), vgg16_2()
        return net, sgd(old_net.classifier[6].parameters(), lr=0.01)
    if exercise == "03.3":
        dataset = HymenopteraDataset(val_paths(tmp_path, 4, 4, "train"), ImageTransform(224, MEAN, STD), "train")
        return (DataLoader(dataset, batch_size=32, shuffle=True),)
    if exercise == "03.4":  # never trains what the question asks about: the right names, no epoch run with them
        net = vgg16_2(("classifier.3.", "classifier.6."))
        return net, optim.SGD([p for p in net.parameters() if p.requires_grad], lr=1e-3), history(1)
    if exercise == "05.3":  # the last block alone: section 4's network, unchanged
        net = vgg16_2(("features.24.", "features.26.", "features.28.", "classifier."))
        return trained(net, sgd([p for p in net.parameters() if p.requires_grad]))
    if exercise == "03.5":
        predictions = Predictions(torch.tensor([0, 1, 1, 0]), torch.tensor([0, 0, 1, 1]), torch.rand(4, 2))
        return [1], predictions
    if exercise == "04.1":
        net = vgg16_2()
        return net, sgd(make_fine_tuning_param_groups(net))  # the lr of section 2
    if exercise == "04.2":  # never times what it compares: frozen and an optimizer, but no epoch run with them
        net = vgg16_2(("classifier.",))
        net.history = earlier = history(1)  # section 3's run
        return net, sgd([p for p in net.parameters() if p.requires_grad], steps=0), earlier
    if exercise == "04.3":
        return torch.zeros(2, 2), torch.ones(2, 2)
    if exercise == "04.4":
        (tmp_path / "head.pth").write_bytes(b"PK\x03\x04 half a zip")
        with pytest.raises(Exception) as caught:
            torch.load(tmp_path / "head.pth", weights_only=True)
        return (caught.value,)
    if exercise == "04.5":
        return picture(tmp_path), torch.tensor([2.0, -1.0])  # logits, not probabilities
    if exercise == "05.2":
        val_1000 = zero_shot_predictions()
        return (val_1000.preds == torch.tensor([310, 309])[val_1000.labels]).float().mean().item(), val_1000
    if exercise == "05.4":
        return (vgg16_2().features(torch.zeros(1, 3, 224, 224, device="meta")).shape,)  # 7 x 7
    if exercise == "05.5":  # a variable an earlier cell overwrote: `image` held another picture by then
        (photo, other), net = photos(), PhotoNet().eval()
        return photo_cam(other, net), net, photo
    raise AssertionError(f"no wrong answer for {exercise} in this test")


@pytest.fixture
def gpu_for_04_3(monkeypatch: pytest.MonkeyPatch) -> None:
    """04.3's logits_reloaded count as computed on a GPU (this machine may have none)."""
    monkeypatch.setattr(selfcheck, "_on_gpu", lambda tensor: True)


@pytest.mark.parametrize("exercise", list(CHECKS))
@pytest.mark.usefixtures("gpu_for_04_3")
def test_the_solution_passes(exercise: str, tmp_path: Path, capsys) -> None:
    assert check(exercise, *solved(exercise, tmp_path)) is True
    assert capsys.readouterr().out == f"✔ {exercise}: {CHECKS[exercise][2]}\n"


@pytest.mark.parametrize("exercise", list(CHECKS))
@pytest.mark.usefixtures("gpu_for_04_3")
def test_a_wrong_answer_fails_in_one_short_line(exercise: str, tmp_path: Path, capsys) -> None:
    assert check(exercise, *wrong(exercise, tmp_path)) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✘ {exercise}: ") and not out.startswith(f"✘ {exercise}: pass ")  # not a crash
    assert max(map(display_width, out.splitlines())) <= 88  # JupyterLab would wrap longer lines mid-word


@pytest.mark.parametrize(("exercise", "says"), [
    ("03.4", "has not taken a step"),      # never trains what the question asks about
    ("04.2", "has not taken a step"),      # never times what it compares
    ("03.2", "built before"),              # reuses a variable (params of the old network)
    ("05.5", "make its tensor again"),     # reuses a variable (`image`, overwritten)
    ("05.3", "not features[17:]"),         # edits an earlier cell's line but runs nothing
])
def test_each_kind_of_wrong_solution_is_named(exercise: str, says: str, tmp_path: Path, capsys) -> None:
    assert check(exercise, *wrong(exercise, tmp_path)) is False
    assert says in " ".join(capsys.readouterr().out.split())


def test_a_grad_cam_map_in_train_mode_is_refused(tmp_path: Path, capsys) -> None:
    heatmap, net, photo = solved("05.5", tmp_path)
    assert check("05.5", heatmap, net.train(), photo) is False  # dropout: another map on every call
    assert "photo_net.eval()" in capsys.readouterr().out


def test_an_earlier_run_is_not_the_run_asked_for(tmp_path: Path, capsys) -> None:
    net, optimizer, _ = solved("04.2", tmp_path)
    assert check("04.2", net, optimizer, history(1)) is False  # not net.history: an earlier run
    assert "not the finished history" in capsys.readouterr().out


def test_a_gpu_only_check_skips_in_one_line_on_a_cpu(capsys) -> None:
    logits = torch.zeros(2, 2)
    assert check("04.3", logits, logits) is None
    out = capsys.readouterr().out
    assert out.startswith("– 04.3: skipped: ") and "GPU" in out and len(out.splitlines()) == 1


@pytest.mark.parametrize("exercise", list(CHECKS))
def test_nothing_passes_without_an_answer(exercise: str, capsys) -> None:
    assert check(exercise) is False and check(exercise, None, None) is False
    assert "✘" in capsys.readouterr().out


def test_a_wrong_kind_of_answer_says_what_to_pass_and_an_unknown_id_is_named(capsys) -> None:
    assert check("03.4", 8194, None, None) is False  # the count instead of the network
    assert capsys.readouterr().out.startswith("✘ 03.4: pass net, optimizer, history (AttributeError:")
    assert check("03.9", None) is False
    assert capsys.readouterr().out.startswith("✘ 03.9: no such check; there are 01.1, 01.2,")


def test_wrong_photo_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.jpg").write_text("not a picture")
    assert check("01.1", tmp_path / "notes.jpg") is False
    assert "UnidentifiedImageError" in capsys.readouterr().out
    assert check("04.5", tmp_path / "not_there.jpg", torch.tensor([0.3, 0.7])) is False
    out = " ".join(capsys.readouterr().out.split())
    assert str(tmp_path / "not_there.jpg") in out and "Colab" in out  # where it looked, where photos go


def exercises(path: Path, nb: nbformat.NotebookNode | None = None) -> dict[str, str]:
    """``{"03.4": the text of exercise 4, its solution included}`` from the Try-it cell of ``nb`` (or ``path``'s)."""
    nb = nbformat.read(path, as_version=4) if nb is None else nb
    [cell] = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Try it")]
    items = re.split(r"^(\d+)\. \*\*", cell.source, flags=re.M)[1:]
    return {f"{path.name[:2]}.{number}": text for number, text in zip(items[::2], items[1::2])}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_exercise_has_its_check_or_says_no_check(path: Path) -> None:
    items = exercises(path)
    assert len(items) >= 3
    for exercise, text in items.items():
        question, _ = remove_solutions(text)
        solutions = re.findall(r"<details><summary>Solution</summary>(.*?)</details>", text, flags=re.S)
        if exercise not in CHECKS:
            assert "no check" in question.lower() and not CALL.search(text), f"{exercise}: a check, or say no check"
            continue
        assert CALL.findall(question) == [exercise], f'{exercise}: one "Check: `check("{exercise}", ...)`" line'
        assert exercise in CALL.findall(solutions[-1]), f"{exercise}: the solution runs its check"
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "from utils.support.selfcheck import check" in code and not CALL.search(code)  # no failing code cell


def test_every_check_id_in_the_notebooks_is_registered_and_every_check_is_used() -> None:
    used = set()
    for path in NOTEBOOKS:
        used |= set(CALL.findall("\n".join(c.source for c in nbformat.read(path, as_version=4).cells)))
    assert used == set(CHECKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_the_student_edition_keeps_the_checks_and_drops_the_solutions(path: Path) -> None:
    student, _ = student_notebook(nbformat.read(path, as_version=4), path.name)
    [try_it] = [c.source for c in student.cells if c.source.startswith("## Try it")]
    checks = re.findall(r"^   Check: `check\(\"(\d\d\.\d+)\"", try_it, flags=re.M)
    assert checks == [e for e in exercises(path) if e in CHECKS]
    assert "Solution" not in try_it and "\n   check(" not in try_it
