"""Run inside a lab host's network namespace (ip netns exec hsnodeN python3 addr_watch.py ADDRESS):
prints "add T" / "del T" with CLOCK_MONOTONIC seconds each time ADDRESS is added to or removed from an
interface, read from rtnetlink's IPv4 address group (no polling)."""
import socket, struct, sys, time

RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR, RTM_DELADDR = 20, 21
IFA_LOCAL = 2
target = socket.inet_aton(sys.argv[1])
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
sock.bind((0, RTMGRP_IPV4_IFADDR))
print("ready", flush=True)
while True:
    data = sock.recv(65536)
    now = time.monotonic()
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if kind in (RTM_NEWADDR, RTM_DELADDR):
            attr = offset + 16 + 8
            while attr + 4 <= offset + length:
                alen, atype = struct.unpack_from("=HH", data, attr)
                if alen < 4:
                    break
                if atype == IFA_LOCAL and data[attr + 4:attr + 8] == target:
                    print(("add" if kind == RTM_NEWADDR else "del"), f"{now:.6f}", flush=True)
                attr += (alen + 3) & ~3
        offset += (length + 3) & ~3 if length else len(data)
