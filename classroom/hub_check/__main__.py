"""``python -m classroom.hub_check``: see ``classroom/hub_check/run.py``."""

import sys

from classroom.hub_check.run import main

sys.exit(main())
