import sys

from upskit.cli.main import main

sys.exit(main())
