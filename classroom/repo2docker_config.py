"""How the hub's image is built: repo2docker from binder/, as Binder builds it, with three settings a hub needs.

    jupyter-repo2docker --config classroom/repo2docker_config.py --no-run --push \\
        --image-name ghcr.io/owner/vgg16-course:2026-12-06 .
    VGG16_IMAGE=cuda jupyter-repo2docker --config classroom/repo2docker_config.py --no-run --push \\
        --image-name ghcr.io/owner/vgg16-course:2026-12-06-cuda .

The second is the GPU profile's image (classroom/config.yaml): the same, then PyTorch's CUDA wheels instead of the
CPU ones binder/requirements.txt installs (Binder has no GPU). tests/test_hub_image.py checks both Dockerfiles.
"""

import os

c = get_config()  # noqa: F821  (traitlets defines get_config() in config files)

# zero-to-jupyterhub runs the learners' servers as uid 1000 (singleuser.uid) with home /home/jovyan.
c.Repo2Docker.user_name = "jovyan"
c.Repo2Docker.user_id = 1000
# The repository, binder/start (the image's entry point) and what the build writes there, outside the home: a hub
# mounts each learner's own volume over /home/jovyan, which would hide them (repo2docker's default is $HOME).
c.Repo2Docker.target_repo_dir = "/srv/vgg16-course/repo"

if os.environ.get("VGG16_IMAGE", "cpu") == "cuda":
    # PyPI's torch and torchvision for Linux are the CUDA builds; the lock (constraints.txt) keeps the versions.
    c.Repo2Docker.appendix = "\n".join([
        "RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir --force-reinstall -c constraints.txt \\",
        "        torch torchvision \\",
        " && ${KERNEL_PYTHON_PREFIX}/bin/python -c 'import sys, torch; sys.exit(not torch.version.cuda)'",
    ])
elif os.environ.get("VGG16_IMAGE", "cpu") != "cpu":
    raise SystemExit(f"VGG16_IMAGE={os.environ['VGG16_IMAGE']!r}: use cpu (the default) or cuda")
