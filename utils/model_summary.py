"""A per-layer table of output shapes and parameter counts, from a real forward pass.

``print(net)`` shows a model's layers but not the shapes flowing between them.
:func:`layer_table` pushes a dummy input through the model and records, with
forward hooks, what every layer (every leaf module) produced::

    table = layer_table(net, input_size=(1, 3, 224, 224))
    print(table)                  # aligned text table
    table.total_params            # 138_357_544 for VGG16

Operations written in a model's ``forward()`` instead of as modules (VGG16's
``torch.flatten(x, 1)`` between ``avgpool`` and ``classifier.0``) have no hook of
their own; the table notices them because the next layer receives a different
shape than the previous one produced, and inserts a row for them. For VGG16
that row shows the 512 x 7 x 7 feature maps becoming 25088 numbers.

Hooks are always removed and the model's train/eval flags restored, even if the
forward pass fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import torch
from torch import nn

INPUT_ROW_NAME = "(input)"


@dataclass(frozen=True)
class LayerRow:
    """One row of a :class:`LayerTable`.

    Attributes:
        name: the module's name in ``named_modules()`` (e.g. "features.0"), or a
            name in parentheses for the input and for operations in ``forward()``.
        type: the module's class name (e.g. "Conv2d"), or a description.
        output_shape: shape of what the layer produced, batch first, e.g. ``(1, 64, 224, 224)``.
        num_params: parameters owned by the layer itself.
        trainable_params: those of them with ``requires_grad=True``.
    """

    name: str
    type: str
    output_shape: tuple[int, ...] | None
    num_params: int
    trainable_params: int

    @property
    def values_per_sample(self) -> int | None:
        """Numbers per input sample in the output (``prod(output_shape[1:])``), e.g. 25088."""
        if self.output_shape is None:
            return None
        return math.prod(self.output_shape[1:])


@dataclass(frozen=True)
class LayerTable:
    """What :func:`layer_table` measured.

    Attributes:
        rows: the input, then one row per leaf-module call (and per detected
            operation in ``forward()``), in execution order.
        total_params: every parameter of the model.
        trainable_params: those with ``requires_grad=True``.
        input_size: the dummy input's shape.
    """

    rows: tuple[LayerRow, ...]
    total_params: int
    trainable_params: int
    input_size: tuple[int, ...]

    def row(self, name: str) -> LayerRow:
        """The first row called ``name`` (e.g. "classifier.0").

        Raises:
            KeyError: if no row has that name.
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"No layer called {name!r} in the table.")

    def to_text(self) -> str:
        """The table as aligned text, with the totals underneath."""
        header = ("Layer", "Type", "Output shape", "Values/sample", "Param #")
        body = [
            (r.name, r.type, _format_shape(r.output_shape),
             "-" if r.values_per_sample is None else f"{r.values_per_sample:,}",
             f"{r.num_params:,}" if r.num_params else "0")
            for r in self.rows
        ]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        right = (False, False, False, True, True)  # numbers right-aligned

        def fmt(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right))

        rule = "-" * len(fmt(header))
        lines = [fmt(header), rule, *(fmt(line) for line in body), rule,
                 f"Total params:         {self.total_params:,}",
                 f"Trainable params:     {self.trainable_params:,}",
                 f"Non-trainable params: {self.total_params - self.trainable_params:,}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters of ``model`` (only those with ``requires_grad`` if ``trainable_only``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _format_shape(shape: tuple[int, ...] | None) -> str:
    return "-" if shape is None else "[" + ", ".join(str(s) for s in shape) + "]"


def _shape_of(obj: Any) -> tuple[int, ...] | None:
    """Shape of a tensor, or of the first tensor in a tuple/list output; None otherwise."""
    if isinstance(obj, torch.Tensor):
        return tuple(obj.shape)
    if isinstance(obj, (tuple, list)):
        for item in obj:
            shape = _shape_of(item)
            if shape is not None:
                return shape
    return None


def _describe_functional(before: tuple[int, ...] | None, after: tuple[int, ...]) -> str:
    """Name the operation in ``forward()`` that turned shape ``before`` into ``after``."""
    if (before is not None and len(after) == 2 and len(before) > 2 and before[0] == after[0]
            and math.prod(before) == math.prod(after)):
        return "flatten in forward()"
    if before is not None and math.prod(before) == math.prod(after):
        return "reshape in forward()"
    return "op in forward()"


def layer_table(model: nn.Module, input_size: Sequence[int] = (1, 3, 224, 224),
                device: torch.device | str | None = None) -> LayerTable:
    """Run a dummy input through ``model`` and tabulate every leaf module's output.

    The forward pass runs in eval mode under ``torch.no_grad()`` with an input of
    zeros, so it neither changes the model nor consumes random numbers.

    Args:
        model: any ``nn.Module`` taking one tensor.
        input_size: the dummy input's shape, batch first, e.g. ``(1, 3, 224, 224)``.
        device: where to put the input (default: where the model's parameters are).

    Returns:
        A :class:`LayerTable`; ``print`` it for an aligned text table.
    """
    input_size = tuple(int(s) for s in input_size)
    if device is None:
        first = next(model.parameters(), None)
        device = first.device if first is not None else torch.device("cpu")

    rows: list[LayerRow] = [LayerRow(INPUT_ROW_NAME, "input", input_size, 0, 0)]
    last_shape: list[tuple[int, ...] | None] = [input_size]  # shape of the most recent output
    handles: list[torch.utils.hooks.RemovableHandle] = []

    def make_hooks(name: str, module: nn.Module):
        params = list(module.parameters(recurse=False))
        n_params = sum(p.numel() for p in params)
        n_trainable = sum(p.numel() for p in params if p.requires_grad)

        def pre_hook(_module: nn.Module, args: tuple[Any, ...]) -> None:
            in_shape = _shape_of(args)
            if in_shape is not None and in_shape != last_shape[0]:
                what = _describe_functional(last_shape[0], in_shape)
                rows.append(LayerRow(f"({what.split()[0]})", what, in_shape, 0, 0))
                last_shape[0] = in_shape

        def hook(_module: nn.Module, _args: tuple[Any, ...], output: Any) -> None:
            shape = _shape_of(output)
            rows.append(LayerRow(name, type(module).__name__, shape, n_params, n_trainable))
            last_shape[0] = shape

        return pre_hook, hook

    training_flags = {m: m.training for m in model.modules()}
    try:
        for name, module in model.named_modules():
            if next(module.children(), None) is not None:
                continue  # containers (Sequential, the model itself): their leaves report for them
            pre_hook, hook = make_hooks(name or type(module).__name__, module)
            handles.append(module.register_forward_pre_hook(pre_hook))
            handles.append(module.register_forward_hook(hook))
        model.eval()
        with torch.no_grad():
            model(torch.zeros(input_size, device=device))
    finally:
        for handle in handles:
            handle.remove()
        for module, flag in training_flags.items():
            module.training = flag  # per module: a model may mix train and eval parts

    return LayerTable(rows=tuple(rows), total_params=count_parameters(model),
                      trainable_params=count_parameters(model, trainable_only=True),
                      input_size=input_size)
