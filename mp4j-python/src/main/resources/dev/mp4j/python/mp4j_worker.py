"""A worker of mp4j's PythonExecutor (dev.mp4j.python.PythonExecutor), started by the Java side.

argv: host port [initializer]; the authkey arrives on stdin as one hex line, then stdin is closed.
The worker connects back with multiprocessing.connection.Client (both challenges), says ('hello', pid), runs the
initializer ("module:qualname") if any, then serves tasks in the order they arrive until it receives None or the
connection ends:
  ('call', id, "module:qualname", args)   -> (id, nanos, True, result)
  ('map', id, "module:qualname", items)   -> (id, nanos, True, [fn(item) for item in items])
where nanos is how long the task ran. A task that raises sends (id, nanos, False, "module.QualName", args,
traceback_text, index), index being the item of a map that raised (0 for a call); a result that cannot be pickled
is reported the same way, as the pickling error.
"""
import importlib
import os
import pickle
import sys
import time
import traceback
from multiprocessing.connection import Client

_resolved = {}


def resolve(name):
    fn = _resolved.get(name)
    if fn is not None:
        return fn
    module, sep, qualname = name.partition(':')
    if not sep or not module or not qualname:
        raise ValueError('a callable is named "module:qualname", got %r' % (name,))
    obj = importlib.import_module(module)
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    _resolved[name] = obj
    return obj


def failure(task_id, nanos, exc, index):
    kind = type(exc)
    name = '%s.%s' % (kind.__module__, kind.__qualname__)
    text = ''.join(traceback.format_exception(kind, exc, exc.__traceback__))
    try:
        args = exc.args
        pickle.dumps(args, 4)
    except Exception:
        args = tuple(repr(a) for a in getattr(exc, 'args', ()))
    return (task_id, nanos, False, name, args, text, index)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    initializer = sys.argv[3] if len(sys.argv) > 3 else ''
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    sys.stdin.close()
    conn = Client((host, port), authkey=authkey)
    conn.send(('hello', os.getpid()))
    if initializer:
        resolve(initializer)()
    recv, send_bytes, dumps, clock = conn.recv, conn.send_bytes, pickle.dumps, time.perf_counter_ns
    while True:
        try:
            task = recv()
        except EOFError:
            return
        if task is None:
            return
        t0 = clock()
        kind, task_id, name, payload = task
        index = 0
        try:
            fn = resolve(name)
            if kind == 'call':
                result = fn(*payload)
            else:
                result = []
                for index, item in enumerate(payload):
                    result.append(fn(item))
                index = 0
            data = dumps((task_id, clock() - t0, True, result), 4)
        except BaseException as exc:  # the task's failure is the caller's, whatever it is
            data = dumps(failure(task_id, clock() - t0, exc, index), 4)
        send_bytes(data)


if __name__ == '__main__':
    main()
