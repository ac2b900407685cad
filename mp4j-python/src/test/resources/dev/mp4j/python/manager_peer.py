"""The docs' "Using a remote manager" server: a SyncManager subclass serving get_queue, on a free loopback port.

Prints the port, then serves in this process until its standard input closes (so the test that started it stops
it by closing stdin, or by its pid). Registered besides SyncManager's types: get_queue (one queue.Queue, the docs'
example), fail (raises ValueError), objects (counts the objects the server holds, for reference counting).
"""
import os
import queue
import sys
import threading
from multiprocessing.managers import SyncManager

the_queue = queue.Queue()


def fail(*args):
    raise ValueError('failed on purpose', args)


class Counter:
    def count(self):
        """The objects the server holds, this counter aside."""
        return len(server.id_to_refcount) - 1


class QueueManager(SyncManager):
    pass


QueueManager.register('get_queue', callable=lambda: the_queue)
QueueManager.register('fail', callable=fail)
QueueManager.register('objects', callable=Counter, exposed=('count',))

authkey = sys.argv[1].encode()
manager = QueueManager(address=('127.0.0.1', 0), authkey=authkey)
server = manager.get_server()


def watch_stdin():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=watch_stdin, daemon=True).start()
print(server.address[1], flush=True)
server.serve_forever()
