"""The course's settings for a JupyterHub on one server: The Littlest JupyterHub (copy this file into
/opt/tljh/config/jupyterhub_config.d/) or any hub started with ``jupyterhub -f`` (``make hub-check`` loads it).

It points every learner's server at the shared read-only data and weights, sends each learner's saved weights
to their own home, and sizes memory, CPU and PyTorch's threads. It chooses no authenticator and no spawner.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (traitlets defines get_config() in config files)

#: The shared read-only folders, prepared once by the admin (classroom/README.md, "Prepare the shared folders").
SHARED = Path(os.environ.get("VGG16_COURSE_SHARED", "/srv/vgg16-course"))

# Sized from the measured peaks (classroom/README.md, "How much memory and CPU"): notebook 04 in full mode.
# Kept when the admin has set them already (TLJH: `tljh-config set limits.memory 6G`, `limits.cpu 2`).
# LocalProcessSpawner does not enforce them; TLJH's SystemdSpawner does, with cgroups.
if c.Spawner.get("mem_limit") is None:
    c.Spawner.mem_limit = "6G"
if c.Spawner.get("cpu_limit") is None:
    c.Spawner.cpu_limit = 2.0

c.Spawner.environment.update({
    "COURSE_DATA_DIR": str(SHARED / "data"),  # read-only: the data set, class index and photo
    "TORCH_HOME": str(SHARED / "torch"),  # read-only: hub/checkpoints/vgg16-397923af.pth
    "COURSE_OUTPUT_DIR": "~/vgg16-course",  # the learner's own: weights/ and run summaries (the course expands ~)
    # PyTorch starts a thread per core of the machine, whatever the limit: one per core of the limit instead.
    "OMP_NUM_THREADS": str(max(1, int(c.Spawner.cpu_limit))),
})
