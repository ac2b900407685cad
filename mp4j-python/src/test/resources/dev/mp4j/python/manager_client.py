"""The docs' "Using a remote manager" clients: connects to a manager at 127.0.0.1:PORT and uses get_queue.

get:     prints ascii() of one item taken from the queue (waits at most 30 s).
put:     puts CPython's _TestRemoteManager.values, as a tuple.
"""
import sys
from multiprocessing.managers import BaseManager


class QueueManager(BaseManager):
    pass


QueueManager.register('get_queue')

port, authkey, op = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
m = QueueManager(address=('127.0.0.1', port), authkey=authkey)
m.connect()
q = m.get_queue()
if op == 'get':
    print(ascii(q.get(timeout=30)), flush=True)
elif op == 'put':
    q.put(tuple(['hello world', None, True, 2.25,
                 'hall\xe5 v\xe4rlden',
                 '\u043f\u0440\u0438\u0432\u0456\u0442 \u0441\u0432\u0456\u0442',
                 b'hall\xe5 v\xe4rlden']))
    print('put', flush=True)
