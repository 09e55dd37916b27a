#!/usr/bin/env python3
"""slowclients.py PORT IDLE SCRAPES [SECONDS]

Opens IDLE connections to 127.0.0.1:PORT that send half a request line and
then nothing (slowloris), spread over the source addresses 127.0.0.2..5,
then makes SCRAPES concurrent GET /metrics from 127.0.0.1 and prints
"idle=N open=K scrapes=S ok=O worst_s=W": N idle asked, K still open when
the scrapes began, O scrapes answered 200 with a whole body.
"""
import http.client
import socket
import sys
import threading
import time

port, nidle, nscrape = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
limit = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0

idle = []
for i in range(nidle):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.bind(("127.0.0.%d" % (2 + i % 4), 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /metrics HT")
        idle.append(s)
    except OSError:
        s.close()


def still_open(s):
    s.setblocking(False)
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


nopen = sum(still_open(s) for s in idle)
ok = 0
worst = 0.0
lock = threading.Lock()


def scrape():
    global ok, worst
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read()
        good = r.status == 200 and b"traplab_serve_scrapes_total" in body
        c.close()
    except Exception:
        good = False
    with lock:
        ok += good
        worst = max(worst, time.monotonic() - t0)


threads = [threading.Thread(target=scrape) for _ in range(nscrape)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for s in idle:
    s.close()
print("idle=%d open=%d scrapes=%d ok=%d worst_s=%.2f" %
      (nidle, nopen, nscrape, ok, worst))
sys.exit(0 if ok == nscrape else 1)
