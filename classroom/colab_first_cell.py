# @title On Google Colab: get the course, install it, prepare the data (elsewhere this cell does nothing)
# @markdown Optional: a folder in your Google Drive, e.g. `vgg16-course`, that keeps what 03 and 04 save for
# @markdown 04 and 05 (each notebook runs in its own runtime, whose files go with it). Leave empty for no Drive.
import sys

DRIVE_FOLDER = ""  # @param {type:"string"}

if "google.colab" in sys.modules:
    import os
    import subprocess
    from pathlib import Path

    from IPython.core.error import UsageError

    REPO_URL = "https://github.com/OWNER/vgg16-course"  # `make colab-cells` writes it (README, "Colab")
    BRANCH = "main"
    LANG = "en"  # the notebook's language: a Korean notebook says "ko" and installs a font that draws Hangul
    COURSE, DRIVE = Path("/content/vgg16-course"), Path("/content/drive")

    def run(*command, check=True):
        """Run a command and show its output; stop this cell if it fails (``check``)."""
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout[-2000:], end="")
        if done.returncode and check:
            raise RuntimeError(f"{' '.join(map(str, command))} failed (exit {done.returncode}): see above")
        return done.returncode == 0

    if "/OWNER/" in REPO_URL:
        raise UsageError("This copy of the course has no GitHub address yet: open the notebook from the course's "
                         "own page, or (its author) run `make colab-cells REPO_URL=...` (README, Colab).")
    if (COURSE / ".git").is_dir():
        print(f"Updating {COURSE} ...")
        if not run("git", "-C", COURSE, "pull", "--quiet", "--ff-only", check=False):
            print("Could not update (see above): going on with the copy already here.")
    else:
        print(f"Cloning {REPO_URL} ...")
        run("git", "clone", "--quiet", "--depth=1", "--branch", BRANCH, REPO_URL, COURSE)
    print("Installing the course (without the lock: Colab's own torch and torchvision stay) ...")
    run(sys.executable, "-m", "pip", "install", "--quiet", "-e", COURSE)
    os.chdir(COURSE)  # this session imports `utils` from here (after a restart, the install does)
    if DRIVE_FOLDER.strip():
        from google.colab import drive

        drive.mount(str(DRIVE))
        os.environ["COURSE_OUTPUT_DIR"] = str(DRIVE / "MyDrive" / DRIVE_FOLDER.strip().strip("/"))
        Path(os.environ["COURSE_OUTPUT_DIR"]).mkdir(parents=True, exist_ok=True)
    if LANG == "ko":
        print("Installing a Korean font for the figures (fonts-nanum) ...")
        if not run("apt-get", "install", "--quiet", "--yes", "fonts-nanum", check=False):
            print("No Korean font (see above): the figures will draw Hangul as boxes.")
    print("Preparing the data ...")
    run(sys.executable, "-m", "utils.prepare_data")
    import utils

    if not Path(utils.__file__).resolve().is_relative_to(COURSE.resolve()):
        raise ImportError(f"`import utils` gave {utils.__file__}, not the course's own package: "
                          "choose Runtime > Restart session, then run this cell first.")
    saved = Path(os.environ.get("COURSE_OUTPUT_DIR", COURSE)) / "weights"
    print(f"The course is in {COURSE}, this notebook's working folder.")
    print(f"Trained weights and run summaries go to {saved}"
          + ("" if DRIVE_FOLDER.strip() else ", deleted with this runtime: set DRIVE_FOLDER to keep them."))
    print("Colab's file pane uploads into /content: name an uploaded photo /content/<its name>.")
