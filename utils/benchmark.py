"""Print speed figures for this machine: data loading, VGG16 inference and training steps.

Run ``python -m utils.benchmark`` (or ``make benchmark``). Speed depends on the weights'
shapes, not their values, so a randomly initialised VGG16 (a stand-in) is used and no
download is needed. The figures tell a teacher how long the notebooks take on the room's
machines; they are printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import time
from typing import Callable, Sequence

import torch
from torch import nn

from utils.dataloader_image_classification import (MEAN, SIZE, STD, HymenopteraDataset, ImageTransform,
                                                   make_datapath_list)
from utils.device import select_device
from utils.pretrained_vgg import make_standin_vgg16


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def images_per_second(step: Callable[[], None], batch: int, repeats: int, device: torch.device) -> float:
    """Run ``step`` once to warm up, then ``repeats`` times; returns images per second."""
    step()
    _sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    _sync(device)
    return batch * repeats / (time.perf_counter() - start)


def bench_loading(n: int) -> float:
    """Images per second through ``HymenopteraDataset`` (decode, augment, normalise) on one core."""
    paths = make_datapath_list("train")[:n]
    dataset = HymenopteraDataset(paths, ImageTransform(SIZE, MEAN, STD), "train")
    start = time.perf_counter()
    for i in range(len(dataset)):
        dataset[i]
    return len(dataset) / (time.perf_counter() - start)


def bench_model(device: torch.device, batch: int, repeats: int) -> dict[str, float]:
    """Images per second for inference, a transfer-learning step and a fine-tuning step."""
    net = make_standin_vgg16()
    net.classifier[6] = nn.Linear(4096, 2)
    net.to(device)
    x = torch.randn(batch, 3, SIZE, SIZE, device=device)
    y = torch.randint(0, 2, (batch,), device=device)
    criterion = nn.CrossEntropyLoss()
    results = {}

    net.eval()

    def infer() -> None:
        with torch.inference_mode():
            net(x)

    results["inference (eval, no grad)"] = images_per_second(infer, batch, repeats, device)

    def train_step(params: Sequence[nn.Parameter]) -> Callable[[], None]:
        optimizer = torch.optim.SGD(params, lr=1e-4, momentum=0.9)

        def step() -> None:
            optimizer.zero_grad()
            criterion(net(x), y).backward()
            optimizer.step()
        return step

    net.train()
    for name, p in net.named_parameters():
        p.requires_grad = name.startswith("classifier.6")
    results["transfer-learning step (classifier.6 only)"] = images_per_second(
        train_step([p for p in net.parameters() if p.requires_grad]), batch, repeats, device)
    for p in net.parameters():
        p.requires_grad = True
    results["fine-tuning step (all layers)"] = images_per_second(
        train_step(list(net.parameters())), batch, repeats, device)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m utils.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=8, help="images per step (default 8)")
    parser.add_argument("--repeats", type=int, default=2, help="timed steps per figure (default 2)")
    parser.add_argument("--device", choices=["cpu", "cuda", "mps"], help="default: the fastest available")
    args = parser.parse_args(argv)
    device = select_device(args.device)
    print(f"torch {torch.__version__}, device {device}, {torch.get_num_threads()} CPU threads, "
          f"batch {args.batch_size}, {args.repeats} timed steps (after 1 warm-up); stand-in weights")
    print(f"{'data loading (decode + augment, 1 process)':48s} {bench_loading(32):8.1f} images/s")
    rates = bench_model(device, args.batch_size, args.repeats)
    for name, rate in rates.items():
        print(f"{name:48s} {rate:8.1f} images/s")
    infer, transfer, finetune = rates.values()
    train, val = 244, 153  # full data set
    print("Estimated time for one full epoch (train + val), model time only:")
    print(f"  notebook 03, transfer learning: {train / transfer + val / infer:6.0f} s")
    print(f"  notebook 04, fine-tuning:       {train / finetune + val / infer:6.0f} s")


if __name__ == "__main__":
    main()
