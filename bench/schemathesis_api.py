"""Fuzz the whole REST API from its own OpenAPI schema with schemathesis: no request may get a 5xx.

Builds a small demo county in a fresh data directory (SQLite) or in the database named by
RENCAI_DATABASE_URL (give it a throwaway database: the run creates, edits and deletes records),
issues the county admin's API token, serves rencai with gunicorn on 127.0.0.1 only, and runs
`st run` on the server's /api/schema/ with a bounded number of examples per operation and a time
budget. The check is schemathesis' `not_a_server_error`; its summary is printed and its exit status
returned (0: no operation answered 5xx).

    .venv/bin/python bench/schemathesis_api.py [--persons 300] [--max-examples 25]
        [--max-time 600] [--user county_admin] [--port 0]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ST = Path(sys.executable).with_name("st")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rencai(env: dict[str, str], *args: str) -> str:
    """Run `python -m rencai …` from this checkout; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "rencai", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"服务未在 {seconds:.0f} 秒内启动：{url}") from None
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--max-examples", type=int, default=25, help="examples per operation")
    parser.add_argument("--max-time", type=int, default=600, help="seconds for the whole run")
    parser.add_argument("--user", default="county_admin", help="the demo account to test as")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="rencai-st-")
    env = {**os.environ, "RENCAI_DATA_DIR": data_dir, "RENCAI_ALLOWED_HOSTS": "127.0.0.1"}
    database = env.get("RENCAI_DATABASE_URL", "sqlite (in the data directory)")
    print(f"数据库：{database}；数据目录：{data_dir}", flush=True)

    started = time.monotonic()
    rencai(env, "demo", "--persons", str(args.persons), "--no-serve")
    token = rencai(env, "token", args.user).strip().splitlines()[-1]
    print(
        f"示范县已建立（{time.monotonic() - started:.0f} 秒）；以 {args.user} 的令牌测试",
        flush=True,
    )

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "rencai", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "server.log", "w"),  # noqa: SIM115 -- lives as long as the server
    )
    try:
        wait_until_up(f"{base}/accounts/login/")
        # The schema, fetched here: building it takes longer than st's 10-second loading limit.
        schema = Path(data_dir) / "schema.yaml"
        fetch = urllib.request.Request(
            f"{base}/api/schema/", headers={"Authorization": f"Token {token}"}
        )
        with urllib.request.urlopen(fetch, timeout=300) as response:
            schema.write_bytes(response.read())
        command = [
            str(ST),
            "run",
            str(schema),
            "--url",
            base,
            "--header",
            f"Authorization: Token {token}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            str(args.max_examples),
            "--max-time",
            str(args.max_time),
            "--request-timeout",
            "30",
            "--seed",
            str(args.seed),
            "--workers",
            "2",
        ]
        print("$ " + " ".join(command).replace(token, "<token>"), flush=True)
        result = subprocess.run(command, cwd=ROOT, env=env, timeout=args.max_time + 300)
    finally:
        server.terminate()
        server.wait(timeout=30)
    verdict = "无 5xx" if result.returncode == 0 else f"有失败（st 退出码 {result.returncode}）"
    took = time.monotonic() - started
    print(f"\n结论：{verdict}；总用时 {took:.0f} 秒；服务日志 {data_dir}/server.log")
    if result.returncode == 0:
        shutil.rmtree(data_dir, ignore_errors=True)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
