"""The docs' "Listeners and Clients" client (multiprocessing.connection), connecting to a Java Listener.

Receives an object, bytes and an array as the docs' client does, prints what it got (one line each), and sends
back ('got', obj) so that the Java side sees its own object as Python read it.
"""
import sys
from array import array
from multiprocessing.connection import Client

port, authkey = int(sys.argv[1]), sys.argv[2].encode()
with Client(('127.0.0.1', port), authkey=authkey) as conn:
    obj = conn.recv()
    print(repr(obj), flush=True)
    print(repr(conn.recv_bytes()), flush=True)
    arr = array('i', [0, 0, 0, 0, 0])
    print(conn.recv_bytes_into(arr), flush=True)
    print(repr(arr), flush=True)
    conn.send(('got', obj))
