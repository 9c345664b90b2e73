"""Sends or receives IP protocol 112 (VRRP) packets on 224.0.0.18, the way a VRRP router does.

  multicast_probe.py send LOCAL_IP MARKER COUNT     COUNT packets, 0.2 s apart, TTL 255
  multicast_probe.py recv LOCAL_IP MARKER SECONDS   exit 0 and print "from SRC ttl TTL" on the first
                                                    packet whose payload starts with MARKER, else exit 1
"""
import socket, struct, sys, time

GROUP, PROTO = "224.0.0.18", 112
mode, local_ip, marker = sys.argv[1], sys.argv[2], sys.argv[3].encode()
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, PROTO)
if mode == "send":
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local_ip))
    for _ in range(int(sys.argv[4])):
        sock.sendto(marker, (GROUP, 0))
        time.sleep(0.2)
    sys.exit(0)
membership = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(local_ip))
sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
deadline = time.monotonic() + float(sys.argv[4])
while (left := deadline - time.monotonic()) > 0:
    sock.settimeout(left)
    try:
        packet, (source, _) = sock.recvfrom(2048)
    except socket.timeout:
        break
    header_length = (packet[0] & 0x0F) * 4
    if packet[header_length:].startswith(marker):
        print(f"from {source} ttl {packet[8]}")
        sys.exit(0)
sys.exit(1)
