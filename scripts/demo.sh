#!/usr/bin/env bash
# 第一条命令：安装 rencai，建立示范县（SQLite，数据在 ./rencai-data/ 或 $RENCAI_DATA_DIR），
# 打印演示账号并在 http://127.0.0.1:8000/ 提供服务，Ctrl-C 停止。再次运行会复用已有数据。
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/rencai demo "$@"
