"""``lianzheng serve``: the web desk (:mod:`lianzheng_docs.web`) on this PC, with uvicorn in this process."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import click

from .params import archive_option


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses other than loopback (what colleagues type), best effort."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos if not str(info[4][0]).startswith("127.")})


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
              help="监听的地址。本机（127.0.0.1、localhost、::1）之外的地址（如 0.0.0.0）"
                   "须先用 lianzheng users add 建立账号。")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="监听的端口。")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="HTTPS 证书（PEM）；对外提供时应使用，否则密码在局域网内明文传输。")  # fmt: skip
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="HTTPS 私钥（PEM）。")
@click.option("--proxy", "proxies", multiple=True, metavar="IP",
              help="在其后提供 HTTPS 的反向代理的地址（信任其 X-Forwarded-Proto/For）；可多次给出。")  # fmt: skip
def serve(
    root: Path | None, host: str, port: int, certfile: Path | None, keyfile: Path | None, proxies: tuple[str, ...]
) -> None:
    """在浏览器中使用的文书工作台：模板表单、档案、检索、落实情况、名册、检查；以及供其他系统调用的 JSON 接口（/api/）。

    \b
    启动后在浏览器打开 http://127.0.0.1:8000/ ，按 Ctrl+C 停止。
    没有账号时只在本机使用；建立账号（lianzheng users add）后所有人须登录，并可用 --host 0.0.0.0 对局域网提供。
    """
    import uvicorn  # the server and the desk are loaded only for this command

    from ..archive import resolve_root
    from ..web import create_app
    from ..web.accounts import Accounts

    if bool(certfile) != bool(keyfile):
        raise click.BadParameter("--certfile 与 --keyfile 须同时给出", param_hint="--certfile/--keyfile")
    archive_root = resolve_root(root)
    # behind a proxy the requests come from other PCs even on loopback: accounts needed all the same
    network = not is_loopback(host) or bool(proxies)
    if network and not Accounts.exist_in(archive_root):
        raise click.BadParameter(
            f"绑定到 {host}{'（经反向代理）' if proxies else ''} 将对其他电脑提供，"
            "须先建立账号（lianzheng users add 用户名 --role 办公室）；"
            "只在本机使用请用 --host 127.0.0.1",
            param_hint="--host",
        )
    if network and not certfile and not proxies:
        click.echo("注意：未使用 HTTPS，密码和文件将在局域网内明文传输；请用 --certfile/--keyfile，"
                   "或放在 HTTPS 反向代理之后（--proxy 代理地址）。", err=True)  # fmt: skip
    app = create_app(archive_root, hosts=[host], network=network)
    scheme = "https" if certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    where = app.state.desk.archive_root
    click.echo(f"文书工作台：{scheme}://{shown}:{port}/ （档案：{where}；按 Ctrl+C 停止）", err=True)
    if host in ("0.0.0.0", "::"):
        addresses = lan_addresses()
        listed = "、".join(f"{scheme}://{a}:{port}/" for a in addresses) or f"{scheme}://本机的IP地址:{port}/"
        click.echo(f"其他电脑请打开：{listed}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", ssl_certfile=certfile, ssl_keyfile=keyfile,
                proxy_headers=bool(proxies), forwarded_allow_ips=list(proxies) or None)  # fmt: skip
