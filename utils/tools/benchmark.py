"""Speed of the book's fp32 loop against channels_last and mixed precision, on this machine.

``make benchmark`` times a stand-in VGG16 with the 2-class head: speed depends on the weights' shapes, not values."""

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

from utils.dataloader_image_classification import (MEAN, SIZE, STD, HymenopteraDataset, ImageTransform,
                                                   make_datapath_list)
from utils.pretrained_vgg import make_standin_vgg16
from utils.settings.device import cap_cpu_threads, select_device
from utils.settings.environment import BATCH_SIZE, read_folders
from utils.settings.paths import DATASET_NAME
from utils.settings.speed import Speed, choose_speed

#: What is timed: inference, a transfer-learning step (only classifier.6 learns), a fine-tuning step.
KINDS = ("inference", "transfer-learning step", "fine-tuning step")
TRAIN_IMAGES, VAL_IMAGES = 244, 153  # the full data set, for the epoch estimates
BOOK_LABEL = "fp32, the book's loop"


def speed_variants(device: torch.device) -> dict[str, Speed]:
    """By label: the book's fp32 loop, channels_last, autocast and both, and the course's choice;
    autocast only where the course would choose it here (where bf16 is emulated, it takes minutes)."""
    auto = choose_speed(device)
    variants = []
    for dtype in dict.fromkeys([None, auto.autocast_dtype]):
        for channels_last in (False, True):
            variants.append(replace(auto, autocast_dtype=dtype, channels_last_training=channels_last,
                                    channels_last_inference=channels_last))
    variants.append(auto)
    return {variant_label(v): v for v in variants}


def variant_label(speed: Speed) -> str:
    """``speed.label``, except "fp32, the book's loop" for plain fp32."""
    return BOOK_LABEL if speed.label == "fp32" else speed.label


def benchmark_step(net: nn.Module, kind: str, speed: Speed, inputs: torch.Tensor,
                   labels: torch.Tensor, lr: float = 1e-4) -> Callable[[], None]:
    """Prepare ``net`` for ``kind`` (one of :data:`KINDS`) and return one step of it as ``train_model``
    runs it (SGD, ``lr``, momentum 0.9, ``speed``'s layout for the workload) on ``inputs``
    (B, 3, H, W) and ``labels`` (B,); a test checks that both agree."""
    training = kind != "inference"
    layout = speed.memory_format(training=training)
    net.to(memory_format=layout)
    inputs = inputs.to(memory_format=layout)
    for name, param in net.named_parameters():
        param.requires_grad = kind == "fine-tuning step" or name.startswith("classifier.6")
    optimizer = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=lr, momentum=0.9)
    scaler = torch.amp.GradScaler(inputs.device.type, enabled=speed.use_grad_scaler)
    net.train(training)

    def step() -> None:
        optimizer.zero_grad()
        with torch.set_grad_enabled(training), speed.autocast():
            loss = nn.functional.cross_entropy(net(inputs), labels)
        if training:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()

    return step


def images_per_second(net: nn.Module, kind: str, speed: Speed, inputs: torch.Tensor,
                      labels: torch.Tensor, steps: int) -> float:
    """Images per second of ``steps`` :func:`benchmark_step` steps after a warm-up; ``net`` ends in the
    usual layout."""
    step = benchmark_step(net, kind, speed, inputs, labels)
    # A GPU runs ahead of Python: wait for it before reading the clock.
    synchronize = torch.accelerator.synchronize if inputs.device.type != "cpu" else lambda: None
    step()
    synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    synchronize()
    net.to(memory_format=torch.contiguous_format)
    return len(inputs) * steps / (time.perf_counter() - start)


def compare_speed_settings(device: torch.device, kinds: Sequence[str] = KINDS,
                           batch_size: int = BATCH_SIZE,
                           steps: int = 2, repeats: int = 1) -> dict[str, dict[str, float]]:
    """``{variant label: {kind: images per second}}`` for :func:`speed_variants`, the book's fp32 loop
    first. Per kind, each distinct setting (autocast, layout for that workload) is timed ``repeats``
    times, the settings alternating, and keeps its fastest run; a variant gets its setting's figure."""
    torch.manual_seed(0)
    net = make_standin_vgg16()
    net.classifier[6] = nn.Linear(4096, 2)
    net.to(device)
    inputs = torch.randn(batch_size, 3, SIZE, SIZE, device=device)
    labels = torch.randint(0, 2, (batch_size,), device=device)
    variants = speed_variants(device)
    rates: dict[str, dict[str, float]] = {label: {} for label in variants}
    for kind in kinds:
        training = kind != "inference"
        setting_of = {label: (speed.autocast_dtype, speed.memory_format(training=training))
                      for label, speed in variants.items()}
        timed: dict[tuple, Speed] = {}
        for label, setting in setting_of.items():
            timed.setdefault(setting, variants[label])
        best = dict.fromkeys(timed, 0.0)
        for _ in range(repeats):
            for setting, speed in timed.items():
                rate = images_per_second(net, kind, speed, inputs, labels, steps)
                best[setting] = max(best[setting], rate)
        for label, setting in setting_of.items():
            rates[label][kind] = best[setting]
    return rates


def format_speed_table(rates: dict[str, dict[str, float]], default: str | None = None) -> str:
    """A text table: images/s and the ratio to the first row per kind; the row named ``default`` is
    marked."""
    base = next(iter(rates.values()))
    kinds = list(base)
    lines = [f"{'':46}" + "".join(f"{kind:>24}" for kind in kinds),
             f"{'':46}" + "".join(f"{'images/s   x fp32':>24}" for _ in kinds)]
    for label, row in rates.items():
        name = label + (" (default)" if label == default else "")
        cells = [f"{row[k]:>14.2f} {row[k] / base[k]:>8.2f}x" for k in kinds]
        lines.append(f"{name:46}" + "".join(cells))
    return "\n".join(lines)


def layout_verdict(rates: dict[str, dict[str, float]], speed: Speed) -> list[str]:
    """Lines that check ``speed``'s layout choice against the whole model: per workload timed in
    ``rates`` (inference, fine-tuning step), channels_last's speed-up in fp32 and whether the choice
    (channels_last where the one-convolution probe measured at least the threshold) agrees."""
    book, channels_last = rates[BOOK_LABEL], rates.get("fp32 + channels_last")
    if channels_last is None:
        return []
    lines = []
    for kind in ("inference", "fine-tuning step"):
        if kind not in book:
            continue
        ratio = channels_last[kind] / book[kind]
        chosen = speed.memory_format(training=kind != "inference") == torch.channels_last
        layout = "channels_last" if chosen else "the usual layout"
        agrees = (ratio >= 1) == chosen
        verdict = "agrees" if agrees else "does NOT agree: check the probe's threshold"
        lines.append(f"{kind}: channels_last {ratio:.2f}x the usual layout in fp32; the course uses "
                     f"{layout} there, which {verdict}")
    return lines


def bench_loading(n: int, root: Path) -> float:
    """Images per second through ``HymenopteraDataset`` (decode, augment, normalise) in one process,
    for the first ``n`` training pictures under ``root`` (the hymenoptera_data folder)."""
    files = make_datapath_list("train", root=root)[:n]
    dataset = HymenopteraDataset(files, ImageTransform(SIZE, MEAN, STD), "train")
    start = time.perf_counter()
    for i in range(len(dataset)):
        dataset[i]
    return len(dataset) / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m utils.tools.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                        help=f"images per step (default {BATCH_SIZE}, the book's)")
    parser.add_argument("--steps", type=int, default=2,
                        help="timed steps per run, after 1 warm-up (default 2)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="alternating runs per figure, the fastest kept (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="batch 4, 1 timed step, 1 run: a rough figure in about a minute")
    parser.add_argument("--device", choices=["cpu", "cuda", "mps"],
                        help="default: the fastest available")
    args = parser.parse_args(argv)
    batch, steps, repeats = args.batch_size, args.steps, args.repeats
    if args.quick:
        batch, steps, repeats = 4, 1, 1
    device = select_device(args.device)
    threads_line = cap_cpu_threads()  # as the notebooks' setup does
    default = choose_speed(device)
    print(f"torch {torch.__version__}, device {device}, {torch.get_num_threads()} CPU threads, "
          f"batch {batch}, the fastest of {repeats} alternating run(s) of {steps} timed step(s) "
          "after 1 warm-up; stand-in weights")
    if threads_line:
        print(threads_line)
    print(f"The course's choice here: {default.label}\n  why: {default.reason}")
    data_dir, _ = read_folders()
    print(f"data loading (decode + augment, 1 process): "
          f"{bench_loading(16, data_dir / DATASET_NAME):.1f} images/s\n")
    rates = compare_speed_settings(device, KINDS, batch, steps, repeats)
    print(format_speed_table(rates, variant_label(default)))
    book, fast = rates[BOOK_LABEL], rates[variant_label(default)]
    ratios = ", ".join(f"{k} {fast[k] / book[k]:.2f}x" for k in KINDS)
    print(f"\nThe course's choice vs the book's loop: {ratios}")
    for line in layout_verdict(rates, default):
        print(line)
    print(f"\nEstimated model time of one full epoch ({TRAIN_IMAGES} train + {VAL_IMAGES} val images):")
    print(f"{'':46}{'03 transfer learning':>22}{'04 fine-tuning':>18}")
    for label, r in rates.items():
        val = VAL_IMAGES / r["inference"]
        print(f"{label:46}{TRAIN_IMAGES / r['transfer-learning step'] + val:>20.0f} s"
              f"{TRAIN_IMAGES / r['fine-tuning step'] + val:>16.0f} s")


if __name__ == "__main__":
    main()
