# @title On Google Colab: get the course, install it, prepare the data (elsewhere this cell does nothing)
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess
    from pathlib import Path

    REPO_URL = "https://github.com/OWNER/vgg16-course"  # `make colab-cells` writes it (README, "Colab")
    COURSE = Path("/content/vgg16-course")

    def run(*command):
        """Run a command and show its output; stop this cell if it fails."""
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout[-2000:], end="")
        if done.returncode:
            raise RuntimeError(f"{' '.join(map(str, command))} failed (exit {done.returncode}): see above")

    if not (COURSE / "utils").is_dir():
        print(f"Cloning {REPO_URL} ...")
        run("git", "clone", "--quiet", "--depth=1", REPO_URL, COURSE)
    print("Installing the course (without the lock: Colab's own torch and torchvision stay) ...")
    run(sys.executable, "-m", "pip", "install", "--quiet", "-e", COURSE)
    os.chdir(COURSE)  # this session imports `utils` from here (after a restart, the install does)
    print("Preparing the data ...")
    run(sys.executable, "-m", "utils.prepare_data")
    import utils

    if not Path(utils.__file__).resolve().is_relative_to(COURSE.resolve()):
        raise ImportError(f"`import utils` gave {utils.__file__}, not the course's own package: "
                          "choose Runtime > Restart session, then run this cell first.")
