import sys

from cgym_ray.cli.main import main

sys.exit(main())
