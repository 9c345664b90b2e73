"""Opens new connections to a lab VIP's port while a fault plays out, and reports any left waiting.

connect_probe.py ADDRESS PORT SECONDS [PER_SECOND]: for SECONDS (at most 60) opens PER_SECOND connections a second
(default 25, at most 50), each sending PostgreSQL's SSLRequest and waiting at most 20 s for the first byte of the
answer ("S" or "N" from PgBouncer, or a close from HAProxy when no server takes it). A client with default settings
has no connect timeout of its own: one that waits 10 s or more is a client left hanging. Prints one line:
attempts, answers by kind, the longest wait, how many waited 10 s or more; exits 1 when any did.
Lab addresses only (10.77.0.0/24): the tests send traffic nowhere else.
"""
import ipaddress
import socket
import struct
import sys
import threading
import time

HANG_SECONDS = 10
WAIT_LIMIT_SECONDS = 20
SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def attempt(address, port, results, lock):
    started = time.monotonic()
    answer = "closed"
    with socket.socket() as sock:
        sock.settimeout(WAIT_LIMIT_SECONDS)
        try:
            sock.connect((address, port))
            sock.sendall(SSL_REQUEST)
            first = sock.recv(1)
            if first:
                answer = first.decode("ascii", "replace")
        except OSError as error:
            answer = type(error).__name__
    with lock:
        results.append((time.monotonic() - started, answer))


def main():
    address, port, seconds = sys.argv[1], int(sys.argv[2]), min(float(sys.argv[3]), 60)
    per_second = min(int(sys.argv[4]) if len(sys.argv) > 4 else 25, 50)
    if ipaddress.ip_address(address) not in ipaddress.ip_network("10.77.0.0/24"):
        sys.exit(f"{address}: not a lab address")
    results, lock, threads = [], threading.Lock(), []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        thread = threading.Thread(target=attempt, args=(address, port, results, lock), daemon=True)
        thread.start()
        threads.append(thread)
        time.sleep(1 / per_second)
    for thread in threads:
        thread.join(WAIT_LIMIT_SECONDS + 5)
    answers = {}
    for _, answer in results:
        answers[answer] = answers.get(answer, 0) + 1
    longest = max((waited for waited, _ in results), default=0)
    hung = sum(1 for waited, _ in results if waited >= HANG_SECONDS)
    print(f"{len(results)} connects, answers {answers}, longest wait {longest:.2f} s, {hung} waited {HANG_SECONDS} s or more")
    sys.exit(1 if hung or not results else 0)


if __name__ == "__main__":
    main()
