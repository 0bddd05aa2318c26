"""Speed of the book's fp32 loop against channels_last and mixed precision, on this machine.

``make benchmark`` times a stand-in VGG16 with the 2-class head: speed depends on the weights' shapes, not values."""

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import torch
from torch import nn

from utils.dataloader_image_classification import (MEAN, SIZE, STD, HymenopteraDataset, ImageTransform,
                                                   make_datapath_list)
from utils.pretrained_vgg import make_standin_vgg16
from utils.settings.device import cap_cpu_threads, select_device
from utils.settings.precision import SpeedSettings, choose_speed_settings

#: What is timed: inference, a transfer-learning step (only classifier.6 learns), a fine-tuning step.
KINDS = ("inference", "transfer-learning step", "fine-tuning step")
TRAIN_IMAGES, VAL_IMAGES = 244, 153  # the full data set, for the epoch estimates


def speed_variants(device: torch.device) -> dict[str, SpeedSettings]:
    """The book's fp32 loop, channels_last, autocast, and both, by label; autocast only where the course would
    choose it here (where bf16 is emulated, it takes minutes)."""
    auto = choose_speed_settings(device)
    variants = [replace(auto, autocast_dtype=d, channels_last=c)
                for d in dict.fromkeys([None, auto.autocast_dtype]) for c in (False, True)]
    return {variant_label(v): v for v in variants}


def variant_label(speed: SpeedSettings) -> str:
    """``speed.label``, except "fp32, the book's loop" for plain fp32."""
    return "fp32, the book's loop" if speed.label == "fp32" else speed.label


def benchmark_step(net: nn.Module, kind: str, speed: SpeedSettings, inputs: torch.Tensor,
                   labels: torch.Tensor, lr: float = 1e-4) -> Callable[[], None]:
    """Prepare ``net`` for ``kind`` (one of :data:`KINDS`) and return one step of it as ``train_model`` runs it (SGD,
    ``lr``, momentum 0.9) on ``inputs`` (B, 3, H, W) and ``labels`` (B,); a test checks that both agree."""
    net.to(memory_format=speed.memory_format)
    inputs = inputs.to(memory_format=speed.memory_format)
    training = kind != "inference"
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


def images_per_second(net: nn.Module, kind: str, speed: SpeedSettings, inputs: torch.Tensor,
                      labels: torch.Tensor, steps: int) -> float:
    """Images per second of ``steps`` :func:`benchmark_step` steps after a warm-up; ``net`` ends in the usual layout."""
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


def compare_speed_settings(device: torch.device, kinds: Sequence[str] = KINDS, batch_size: int = 32,
                           steps: int = 2) -> dict[str, dict[str, float]]:
    """``{variant label: {kind: images per second}}`` for :func:`speed_variants`, the book's fp32 loop first."""
    torch.manual_seed(0)
    net = make_standin_vgg16()
    net.classifier[6] = nn.Linear(4096, 2)
    net.to(device)
    inputs = torch.randn(batch_size, 3, SIZE, SIZE, device=device)
    labels = torch.randint(0, 2, (batch_size,), device=device)
    return {label: {kind: images_per_second(net, kind, speed, inputs, labels, steps) for kind in kinds}
            for label, speed in speed_variants(device).items()}


def format_speed_table(rates: dict[str, dict[str, float]], default: str | None = None) -> str:
    """A text table: images/s and the ratio to the first row per kind; the row named ``default`` is marked."""
    base = next(iter(rates.values()))
    kinds = list(base)
    lines = [f"{'':42}" + "".join(f"{kind:>28}" for kind in kinds),
             f"{'':42}" + "".join(f"{'images/s   x fp32':>28}" for _ in kinds)]
    for label, row in rates.items():
        name = label + (" (default)" if label == default else "")
        lines.append(f"{name:42}" + "".join(f"{row[k]:>18.2f} {row[k] / base[k]:>8.2f}x" for k in kinds))
    return "\n".join(lines)


def bench_loading(n: int) -> float:
    """Images per second through ``HymenopteraDataset`` (decode, augment, normalise) in one process."""
    dataset = HymenopteraDataset(make_datapath_list("train")[:n], ImageTransform(SIZE, MEAN, STD), "train")
    start = time.perf_counter()
    for i in range(len(dataset)):
        dataset[i]
    return len(dataset) / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m utils.tools.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=32, help="images per step (default 32, the book's)")
    parser.add_argument("--steps", type=int, default=2, help="timed steps per figure, after 1 warm-up (default 2)")
    parser.add_argument("--quick", action="store_true", help="batch 4, 1 timed step: a rough figure in about a minute")
    parser.add_argument("--device", choices=["cpu", "cuda", "mps"], help="default: the fastest available")
    args = parser.parse_args(argv)
    batch, steps = (4, 1) if args.quick else (args.batch_size, args.steps)
    device = select_device(args.device)
    threads_line = cap_cpu_threads()  # as the notebooks' setup does
    default = choose_speed_settings(device)
    print(f"torch {torch.__version__}, device {device}, {torch.get_num_threads()} CPU threads, batch {batch}, "
          f"{steps} timed step(s) after 1 warm-up; stand-in weights" + (f"\n{threads_line}" if threads_line else ""))
    print(f"The course's choice here: {default.label} ({default.reason})")
    print(f"data loading (decode + augment, 1 process): {bench_loading(16):.1f} images/s\n")
    rates = compare_speed_settings(device, KINDS, batch, steps)
    print(format_speed_table(rates, variant_label(default)))
    book, fast = rates["fp32, the book's loop"], rates[variant_label(default)]
    print("\nThe course's choice vs the book's loop: " + ", ".join(f"{k} {fast[k] / book[k]:.2f}x" for k in KINDS))
    print(f"\nEstimated model time of one full epoch ({TRAIN_IMAGES} train + {VAL_IMAGES} val images):")
    print(f"{'':42}{'03 transfer learning':>22}{'04 fine-tuning':>18}")
    for label, r in rates.items():
        val = VAL_IMAGES / r["inference"]
        print(f"{label:42}{TRAIN_IMAGES / r['transfer-learning step'] + val:>20.0f} s"
              f"{TRAIN_IMAGES / r['fine-tuning step'] + val:>16.0f} s")


if __name__ == "__main__":
    main()
