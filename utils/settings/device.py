"""Pick the fastest device (a CUDA GPU, Apple's MPS, or the CPU); size the CPU threads to a container's quota."""

from pathlib import Path

import torch

from utils.settings.language import tr

CGROUP_ROOT = Path("/sys/fs/cgroup")  # where Linux shows this process's control groups (a container's own)


def select_device(prefer: str | None = None) -> torch.device:
    """``cuda``, else ``mps``, else ``cpu``; ``prefer`` names one ("cpu", "cuda", "mps"): ``RuntimeError`` if absent."""
    available = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}
    if prefer is None:
        return torch.device(next(name for name, ok in available.items() if ok))
    if not available.get(prefer, False):
        raise RuntimeError(tr("Device {device!r} is not available here; available: {available}",
                              device=prefer, available=[name for name, ok in available.items() if ok]))
    return torch.device(prefer)


def cpu_quota(cgroup_root: Path = CGROUP_ROOT) -> float | None:
    """The CPUs a container's quota allows, e.g. 2.0: cgroup v2 ``cpu.max`` ("200000 100000") or v1
    ``cpu/cpu.cfs_quota_us`` over ``cpu.cfs_period_us``. None without a quota ("max", -1) or cgroup files."""
    try:
        if (v2 := cgroup_root / "cpu.max").is_file():
            quota, period = v2.read_text().split()[:2]
        else:
            quota, period = ((cgroup_root / "cpu" / f"cpu.cfs_{n}_us").read_text().strip() for n in ("quota", "period"))
        return int(quota) / int(period) if quota not in ("max", "-1") and int(period) > 0 else None
    except (OSError, ValueError):
        return None


def cap_cpu_threads(cgroup_root: Path = CGROUP_ROOT) -> str | None:
    """Lower torch's threads to the container's :func:`cpu_quota` (at least 1): torch counts the host's cores, and
    more threads than the quota stall one another. Returns a line saying so, or None if nothing changed."""
    quota, threads = cpu_quota(cgroup_root), torch.get_num_threads()
    if quota is None or int(quota) >= threads:
        return None
    torch.set_num_threads(capped := max(1, int(quota)))
    return tr("CPU threads: {capped} (the container's CPU quota is {quota:g}; torch counted {threads} cores)",
              capped=capped, quota=quota, threads=threads)
