"""Save a ``state_dict`` atomically, keeping earlier files; load it with ``weights_only=True`` (a
malicious file cannot run code). Every way a file can be wrong is one :class:`CheckpointError`
saying what it is and what to do."""

import re
from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from utils.datalib.atomic_write import KEEP_COPIES, atomic_open, earlier_copies
# notebook 04 imports CheckpointError from here
from utils.errors import CheckpointError, WriteError
from utils.settings.language import tr

#: Key prefixes that wrappers add to a ``state_dict``.
WRAPPER_PREFIXES = {
    "module.": "nn.DataParallel/DistributedDataParallel",
    "_orig_mod.": "torch.compile",
}


def _architecture_fix() -> str:
    return tr(
        "build the same model before loading (for the course: VGG16 with classifier[6] = "
        "nn.Linear(4096, 2)), or load the right file"
    )


def save_state_dict(net: nn.Module, path: str | Path, keep: int = KEEP_COPIES) -> Path:
    """Save ``net.state_dict()`` to ``path`` atomically, keeping an earlier file (at most ``keep``
    copies); returns ``path``. ``WriteError`` (one line) on a full disk, a read-only folder or a
    path that cannot be a file; ``path`` is then unchanged."""
    state = net.state_dict()
    needed = sum(t.numel() * t.element_size() for t in state.values())
    try:
        with atomic_open(path, keep_earlier=True, keep=keep, needed=needed) as fh:
            torch.save(state, fh)
    except WriteError:
        raise  # a full or read-only disk: already one line
    except OSError as err:  # a folder of that name, a name too long, ...: one line, not a traceback
        reason = err.strerror or err
        line = tr(
            "{path} could not be written ({reason}): check the path and save again.",
            path=path,
            reason=reason,
        )
        raise WriteError(err.errno, line, str(path)) from None
    return Path(path)


def _is_state_dict(obj: object) -> bool:
    if not isinstance(obj, Mapping):
        return False
    return all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())


def _is_safetensors(path: Path) -> bool:
    # A safetensors file starts with the length of its JSON header (8 bytes, little-endian),
    # then "{".
    try:
        with open(path, "rb") as fh:
            head = fh.read(9)
    except OSError:  # unreadable: _unreadable reports the load's own error
        return False
    if len(head) != 9 or head[8:] != b"{":
        return False
    return int.from_bytes(head[:8], "little") < path.stat().st_size


def _opens(path: Path) -> bool:
    """Whether this process can open and read ``path`` (a cut-off file can, and torch then raises
    an ``OSError`` about its content)."""
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError:
        return False
    return True


def _not_the_file(path: Path, err: Exception) -> str | None:
    """The message for a sound file that this machine or call cannot load, or None."""
    lines = str(err).strip().splitlines()
    first = lines[0] if lines else type(err).__name__
    if isinstance(err, OSError) and not isinstance(err, EOFError) and not _opens(path):
        return tr(
            "{path} could not be opened ({kind}: {first}).",
            path=path,
            kind=type(err).__name__,
            first=first,
        )
    if "CUDA" in first and "is_available() is False" in first:
        return tr(
            "{path} could not be loaded on this machine, which has no CUDA GPU "
            "(PyTorch: {first}): pass map_location=\"cpu\".",
            path=path,
            first=first,
        )
    if "version" in first and ("too old" in str(err) or "maximum supported version" in first):
        return tr(
            "{path} was saved by a newer PyTorch than this one ({version}; PyTorch: "
            "{first}): update the course's packages (`make setup`), or save it again here.",
            path=path,
            version=torch.__version__,
            first=first,
        )
    return None


def _unreadable(path: Path, err: Exception, fix: str | None) -> str:
    message = _not_the_file(path, err)
    if message is not None:
        return message
    text = str(err)
    then = tr(" Fix: {fix}.", fix=fix) if fix else ""
    if _is_safetensors(path):
        hint = f" (PyTorch: {text.splitlines()[0]})" if "safetensors" in text else ""
        return tr(
            "{path} is a safetensors file, not torch.save's format{hint}: "
            "`pip install safetensors`, then load it with `import safetensors.torch; "
            "net.load_state_dict(safetensors.torch.load_file(path))`.{then}",
            path=path,
            hint=hint,
            then=then,
        )
    unsafe = re.search(r"Unsupported global: GLOBAL (\S+)", text)
    if unsafe:
        what = tr(
            "{path} was refused as unsafe: it is a pickled Python object ({name}, e.g. a "
            "whole model saved with torch.save(net)), not a state_dict, and "
            "torch.load(weights_only=True) loads only tensors.",
            path=path,
            name=unsafe[1],
        )
        if then:
            return what + then
        new = path.with_name(f"{path.stem}_state_dict.pth")
        extract = f"torch.save(torch.load('{path}', weights_only=False).state_dict(), '{new}')"
        return tr(
            "{what} If you trust this file, extract its weights once in a trusted session: "
            "`{extract}` (this runs code from the file: never for a file from an untrusted "
            "source), then load that file.",
            what=what,
            extract=extract,
        )
    copies = ", ".join(p.name for p in reversed(earlier_copies(path)))
    lines = text.strip().splitlines()
    said = f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__
    if then:
        advice = then
    elif copies:
        advice = tr(
            " Load another copy (earlier copies beside it: {copies}), or save the weights again.",
            copies=copies,
        )
    else:
        advice = tr(" Load another copy, or save the weights again.")
    return tr(
        "{path} could not be read as a PyTorch checkpoint ({said}): it is truncated, corrupt, "
        "or not a .pth file at all.{advice}",
        path=path,
        said=said,
        advice=advice,
    )


def read_state_dict(
    path: str | Path, map_location=None, fix: str | None = None, key: str | None = None
) -> dict[str, torch.Tensor]:
    """``torch.load(path, map_location, weights_only=True)``, checked to be a ``state_dict``;
    ``key``: the entry of a training checkpoint that holds it. ``fix``: what to do about a bad file
    the course wrote or downloaded (without it the advice never deletes the file). Raises
    :class:`CheckpointError`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            tr(
                "No checkpoint at {path}. Run the cell that saves it "
                "(save_state_dict) first, or check the path.",
                path=path,
            )
        )
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except MemoryError:
        raise  # the machine, not the file: nothing to say about the file
    except Exception as err:  # noqa: BLE001 (garbage can make the unpickler raise anything)
        raise CheckpointError(_unreadable(path, err, fix)) from None
    entries = ""  # the first keys of a dict, for the messages
    if isinstance(state, Mapping):
        entries = ", ".join(map(repr, list(state)[:8]))
        if len(state) > 8:
            entries += ", ..."
    if key is not None and not (isinstance(state, Mapping) and key in state):
        raise CheckpointError(
            tr(
                "{path} has no entry {key!r} (it holds {entries}): "
                "pass the key that holds the weights, or key=None for a plain state_dict.",
                path=path,
                key=key,
                entries=entries or type(state).__name__,
            )
        )
    state = state if key is None else state[key]
    if _is_state_dict(state):
        return dict(state)
    inner = []  # the entries of a training checkpoint that hold a state_dict
    if isinstance(state, Mapping):
        inner = [k for k, v in state.items() if _is_state_dict(v) and v]
    if inner:
        raise CheckpointError(
            tr(
                "{path} is a training checkpoint (a dict of {entries}): the weights are under "
                "{key!r}. Load them with load_state_dict(net, path, key={key!r}), i.e. "
                "`net.load_state_dict(torch.load(path, weights_only=True)[{key!r}])`.",
                path=path,
                entries=entries,
                key=inner[0],
            )
        )
    if fix:
        advice = tr(" Fix: {fix}.", fix=fix)
    else:
        advice = tr(
            " Save weights with save_state_dict(net, path), i.e. "
            "torch.save(net.state_dict(), path)."
        )
    raise CheckpointError(
        tr(
            "{path} holds a {kind}, not a state_dict (a mapping of parameter names "
            "to tensors).{advice}",
            path=path,
            kind=type(state).__name__,
            advice=advice,
        )
    )


def _keys(names: list[str]) -> str:
    shown = ", ".join(f'"{k}"' for k in names[:3])
    if len(names) > 3:
        shown += tr(" and {n} more", n=len(names) - 3)
    return shown


def _mismatch(
    path: Path, own: Mapping[str, torch.Tensor], state: Mapping[str, torch.Tensor], fix: str
) -> str:
    for prefix, wrapper in WRAPPER_PREFIXES.items():
        if state.keys() == {prefix + k for k in own}:
            loaded = "torch.load(path, weights_only=True)"
            stripped = f"{{k.removeprefix({prefix!r}): v for k, v in {loaded}.items()}}"
            return tr(
                "{path} was saved from a model wrapped in {wrapper}: every key starts with "
                "{prefix!r}. Load it with load_state_dict(net, path, strip_prefix={prefix!r}), "
                "i.e. `net.load_state_dict({stripped})`.",
                path=path,
                wrapper=wrapper,
                prefix=prefix,
                stripped=stripped,
            )
        if own.keys() == {prefix + k for k in state}:
            return tr(
                "{path} holds the weights of a plain model, but this network is wrapped in "
                "{wrapper} (its keys start with {prefix!r}): load into the model inside, "
                "net.{inner}.",
                path=path,
                wrapper=wrapper,
                prefix=prefix,
                inner=prefix[:-1],
            )
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    resized = [k for k in own if k in state and own[k].shape != state[k].shape]
    layers = {k.rsplit(".", 1)[0] for k in resized}
    if not missing and not unexpected and len(layers) == 1:
        layer = f"{min(layers)}.weight"
        if layer in resized:
            return tr(
                "{path} holds a different head: {layer} has {file_outputs} outputs in "
                "the file, {own_outputs} in this network. Fix: {fix}.",
                path=path,
                layer=layer,
                file_outputs=state[layer].shape[0],
                own_outputs=own[layer].shape[0],
                fix=fix,
            )
    problems = []
    if missing:
        problems.append(tr("Missing key(s) in state_dict: {keys}", keys=_keys(missing)))
    if unexpected:
        problems.append(tr("Unexpected key(s) in state_dict: {keys}", keys=_keys(unexpected)))
    for k in resized[:3]:
        problems.append(
            tr(
                "size mismatch for {key}: {in_file} in the file, {here} here",
                key=k,
                in_file=list(state[k].shape),
                here=list(own[k].shape),
            )
        )
    return tr(
        "{path} was saved from a different architecture than this network "
        "({problems}). Fix: {fix}.",
        path=path,
        problems="; ".join(problems),
        fix=fix,
    )


def load_into(
    net: nn.Module,
    state: Mapping[str, torch.Tensor],
    path: str | Path,
    fix: str | None = None,
    strip_prefix: str | None = None,
    assign: bool = False,
) -> nn.Module:
    """``net.load_state_dict(state, assign=assign)`` once the keys and shapes match, else a
    :class:`CheckpointError` naming the file, what differs and ``fix`` (default: build the same
    model first; ``net`` untouched).
    ``strip_prefix``: removed from the keys first (``"module."``). ``assign=True``: ``state``'s
    tensors become the parameters (for a ``net`` built on "meta")."""
    if strip_prefix:
        state = {k.removeprefix(strip_prefix): v for k, v in state.items()}
    if fix is None:
        fix = _architecture_fix()  # in the language of the moment
    own = net.state_dict()
    if own.keys() != state.keys() or any(own[k].shape != state[k].shape for k in own):
        raise CheckpointError(_mismatch(Path(path), own, state, fix))
    net.load_state_dict(state, assign=assign)
    return net


def load_state_dict(
    net: nn.Module,
    path: str | Path,
    map_location: str | torch.device | Mapping[str, str] | None = "cpu",
    *,
    key: str | None = None,
    strip_prefix: str | None = None,
) -> nn.Module:
    """Load weights saved by :func:`save_state_dict` into ``net`` (the same architecture) and return
    it. For files from elsewhere: ``key``, the entry of a training checkpoint that holds them;
    ``strip_prefix``, a wrapper's key prefix (``"module."``). Raises :class:`CheckpointError` naming
    the file and the fix; ``net`` is then unchanged."""
    state = read_state_dict(path, map_location, key=key)
    return load_into(net, state, path, strip_prefix=strip_prefix)
