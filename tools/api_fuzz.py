"""Fuzz the REST API from its own OpenAPI schema with schemathesis, as an anonymous caller, an applicant and staff.

Makes a throwaway SQLite demo, serves it with gunicorn on a free local port, and runs `schemathesis run --checks
all` once per caller. Fails (exit 1) on any server error, any response the schema does not describe, or any
invalid input the API accepted. Usage: `.venv/bin/python tools/api_fuzz.py [--seconds N] [--seed N]`.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
DEMO_APPLICANT, DEMO_STAFF = "zhangsan", "spj_shouli"

# Checks that cannot apply to this API, each with its reason; everything else of `--checks all` runs.
EXCLUDED_CHECKS = {
    # Needs a second account's credentials to read another caller's objects; the object-level rules have their
    # own tests (cases/tests/test_api.py) with an applicant, staff and an outsider.
    "object_level_authorization": "needs two sets of credentials",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zerovisit(env, *args) -> str:
    done = subprocess.run([str(BIN / "zerovisit"), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"zerovisit {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def token_for(env, username: str) -> str:
    out = zerovisit(env, "drf_create_token", username)
    match = re.search(r"Generated token (\w+)", out)
    if not match:
        raise SystemExit(f"no token for {username}: {out}")
    return match.group(1)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("ZV_FUZZ_EXAMPLES", "10")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("ZV_FUZZ_SEED", "20261101")))
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("ZV_FUZZ_SECONDS", "70")),
        help="time budget of each caller's run, shared by schemathesis among its phases",
    )
    parser.add_argument("--callers", default="anonymous,applicant,staff")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and the reports")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="zv-fuzz-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zerovisit.settings",
        "ZV_DATA_DIR": str(data_dir),
        # The public verification limit (30 a minute) would answer most fuzzed requests with 429.
        "ZV_VERIFY_RATE_PER_MINUTE": "100000",
        "ZV_QUESTIONS_PER_DAY": "100000",  # and the daily limit of questions most fuzzed questions
        "ZV_ORGANISATION_CLAIMS_PER_DAY": "100000",  # and of organisations claimed
        # The registers the demo verifies people and organisations against (without one, verifying answers 503).
        "ZV_IDENTITY_REGISTER": "zerovisit.accounts.registers.SimulatedRegister",
        "ZV_ENTITY_REGISTER": "zerovisit.accounts.registers.SimulatedEntityRegister",
    }
    env.pop("ZV_DATABASE_URL", None)
    started = time.monotonic()
    print(f"demo data in {data_dir}", flush=True)
    zerovisit(env, "demo", "--no-serve")
    tokens = {"anonymous": None, "applicant": token_for(env, DEMO_APPLICANT), "staff": token_for(env, DEMO_STAFF)}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "gunicorn", "zerovisit.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        env=env, cwd=data_dir, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    failed = []
    try:
        wait_for(f"{base}/api/v1/schema/")
        for caller in args.callers.split(","):
            print(f"\n== schemathesis as {caller} ==", flush=True)
            config = data_dir / f"schemathesis-{caller}.toml"
            config.write_text(f'hooks = "{HOOKS}"\n' + CONFIG.read_text() + (
                f'\n[auth.openapi.tokenAuth]\napi_key = "Token {tokens[caller]}"\n' if tokens[caller] else ""
            ))  # fmt: skip
            command = [
                str(BIN / "schemathesis"), "--config-file", str(config), "run", f"{base}/api/v1/schema/", "--url", base,
                "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
                "--max-examples", str(args.max_examples), "--max-time", str(args.seconds), "--seed", str(args.seed),
                "--generation-database", "none", "--workers", "1", "--request-timeout", "30",
                "--no-color", "--report", "junit", "--report-dir", str(data_dir / f"report-{caller}"),
            ]  # fmt: skip
            if subprocess.run(command, env=env, cwd=data_dir).returncode != 0:
                failed.append(caller)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()
        log = (data_dir / "server.log").read_text(errors="replace")
        if "Traceback" in log:
            print(log[-20000:])
            failed.append("server log has tracebacks")
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\nAPI fuzzing took {time.monotonic() - started:.0f} s; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
