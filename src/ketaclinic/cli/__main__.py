"""``python -m ketaclinic.cli`` runs the same command as the ``ketaclinic`` script."""

import sys

from ketaclinic.cli import main

sys.exit(main())
