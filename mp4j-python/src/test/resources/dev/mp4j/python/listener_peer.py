"""The docs' "Listeners and Clients" server (multiprocessing.connection), on a free loopback port, then an echo.

Prints the port; accepts one client with the authkey; sends [2.25, None, 'junk', float], b'hello' and
array('i', [42, 1729]) as the docs do; then echoes each object received, as ('echo', obj), until 'stop'.
"""
import sys
from array import array
from multiprocessing.connection import Listener

authkey = sys.argv[1].encode()
with Listener(('127.0.0.1', 0), authkey=authkey) as listener:
    print(listener.address[1], flush=True)
    with listener.accept() as conn:
        conn.send([2.25, None, 'junk', float])
        conn.send_bytes(b'hello')
        conn.send_bytes(array('i', [42, 1729]))
        while True:
            obj = conn.recv()
            if obj == 'stop':
                break
            conn.send(('echo', obj))
