"""`make bench`: run every benchmark under bench/ (each prints its own figures)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    scripts = sorted(HERE.glob("*/run.py"))
    if not scripts:
        print("No benchmarks found.")
        return 0
    status = 0
    for script in scripts:
        print(f"=== {script.parent.name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(script), *sys.argv[1:]])
    return status


if __name__ == "__main__":
    sys.exit(main())
