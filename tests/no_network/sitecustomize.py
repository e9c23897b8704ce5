"""Refuse every network connection that is not to this machine, in any Python that has
this folder on its ``PYTHONPATH`` (Python imports ``sitecustomize`` at start-up): the
kernels of strict nbval (the root conftest.py) and the Binder run's (tests/test_binder.py).
A notebook that reaches the network then fails. The kernel itself talks to its client over
ZeroMQ, which does not use Python's sockets."""

import ipaddress
import socket


def _refuse(address):
    host = address[0] if isinstance(address, tuple) else address
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        if host in ("localhost",):
            return
    raise OSError(f"network access refused by the course's no-network guard: {address!r}")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(address)
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(address)
    return _connect_ex(self, address)


_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if host is not None:
        _refuse(host if not isinstance(host, bytes) else host.decode())
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
