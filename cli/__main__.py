"""`python -m deepmotion.cli` is the `deepmotion` command."""
import sys

from . import main

sys.exit(main())
