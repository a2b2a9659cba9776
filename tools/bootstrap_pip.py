"""Put pip into a virtual environment made with `python3 -m venv --without-pip`.

Debian and Ubuntu ship Python without ensurepip unless python3-venv is installed; this fetches the newest pip
wheel from PyPI and lets it install itself, so `make` needs nothing but Python.

    python3 tools/bootstrap_pip.py .venv
"""

import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

INDEX = "https://pypi.org/pypi/pip/json"


def main(venv: Path) -> None:
    with urllib.request.urlopen(INDEX, timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith("-py3-none-any.whl"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(urllib.parse.urljoin(INDEX, wheel["url"]), path)
        # A wheel is a zip archive Python can run from: pip installs itself from its own wheel.
        subprocess.run([str(venv / "bin" / "python"), f"{path}/pip", "install", "--quiet", str(path)], check=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
