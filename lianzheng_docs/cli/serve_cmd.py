"""``lianzheng serve``: the web desk (:mod:`lianzheng_docs.web`) on this PC, with uvicorn in this process."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from .params import archive_option


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only: ``localhost``, 127.0.0.0/8 or ``::1``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。目前只能是本机（127.0.0.1、localhost、::1）：对外提供需要先建立账号。")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="监听的端口。")
def serve(root: Path | None, host: str, port: int) -> None:
    """在本机浏览器中使用的文书工作台：模板表单、下载 .docx、归档；以及供其他系统调用的 JSON 接口（/api/）。

    \b
    启动后在浏览器打开 http://127.0.0.1:8000/ ，按 Ctrl+C 停止。
    """
    if not is_loopback(host):
        raise click.BadParameter(
            f"绑定到 {host} 需要先建立账号，尚未实现；目前只能在本机使用（--host 127.0.0.1）", param_hint="--host"
        )
    import uvicorn  # the server and the desk are loaded only for this command

    from ..web import create_app

    app = create_app(root, hosts=[host])
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"文书工作台：http://{shown}:{port}/ （档案：{app.state.desk.archive_root}；按 Ctrl+C 停止）", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
