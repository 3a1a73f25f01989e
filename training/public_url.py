"""The public address printed in every certificate's QR code (PUBLIC_BASE_URL): a check that it is
one the holders of the paper can reach. A loopback address (the default, http://127.0.0.1:5000)
suits `make run` on one machine; served under another name, it would make every QR code dead."""

from __future__ import annotations

import ipaddress
import logging
import urllib.parse

from flask import Flask, current_app, request

log = logging.getLogger(__name__)
_warned: set[str] = set()


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (a host as in a URL or a Host header, port allowed)."""
    name = urllib.parse.urlsplit(f"//{host}").hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def unreachable(base_url: str, request_host: str) -> bool:
    """True when certificates would point at this machine itself while people reach it by another name."""
    return is_loopback(urllib.parse.urlsplit(base_url).netloc) and not is_loopback(request_host)


def check(base_url: str, request_host: str) -> bool:
    """unreachable(), logged as a warning once per process and host: the log says it before anyone issues."""
    if not unreachable(base_url, request_host):
        return False
    if request_host not in _warned:
        _warned.add(request_host)
        log.warning(
            "PUBLIC_BASE_URL is %s but this server is reached as %s: the QR codes of certificates "
            "issued now will not open; set PUBLIC_BASE_URL to the public address",
            base_url,
            request_host,
        )
    return True


def unreachable_here() -> bool:
    """check() for the current request: templates/certificates/_public_url_warning.html asks it."""
    return check(current_app.config["PUBLIC_BASE_URL"], request.host)


def register(app: Flask) -> None:
    app.jinja_env.globals["public_url_unreachable"] = unreachable_here
