"""A worker of mp4j's PythonExecutor (dev.mp4j.python.PythonExecutor), started by the Java side.

argv: host port [initializer]; the authkey arrives on stdin as one hex line, then stdin is closed.
The worker connects back with multiprocessing.connection.Client (both challenges), says ('hello', pid), runs the
initializer ("module:qualname") if any, then serves tasks until it receives None or the connection ends:
  ('call', id, "module:qualname", args)   -> (id, True, result)
  ('map', id, "module:qualname", items)   -> (id, True, [fn(item) for item in items])
A task that raises sends (id, False, "module.QualName", args, traceback_text); a result that cannot be pickled
is reported the same way, as the pickling error.
"""
import importlib
import os
import pickle
import sys
import traceback
from multiprocessing.connection import Client


def resolve(name):
    module, sep, qualname = name.partition(':')
    if not sep or not module or not qualname:
        raise ValueError('a callable is named "module:qualname", got %r' % (name,))
    obj = importlib.import_module(module)
    for part in qualname.split('.'):
        obj = getattr(obj, part)
    return obj


def failure(task_id, exc):
    kind = type(exc)
    name = '%s.%s' % (kind.__module__, kind.__qualname__)
    text = ''.join(traceback.format_exception(kind, exc, exc.__traceback__))
    try:
        args = exc.args
        pickle.dumps(args, 4)
    except Exception:
        args = tuple(repr(a) for a in getattr(exc, 'args', ()))
    return (task_id, False, name, args, text)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    initializer = sys.argv[3] if len(sys.argv) > 3 else ''
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    sys.stdin.close()
    conn = Client((host, port), authkey=authkey)
    conn.send(('hello', os.getpid()))
    if initializer:
        resolve(initializer)()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        kind, task_id, name, payload = task
        try:
            fn = resolve(name)
            if kind == 'call':
                result = fn(*payload)
            else:
                result = [fn(item) for item in payload]
            reply = (task_id, True, result)
            data = pickle.dumps(reply, 4)
        except BaseException as exc:  # the task's failure is the caller's, whatever it is
            data = pickle.dumps(failure(task_id, exc), 4)
        conn.send_bytes(data)


if __name__ == '__main__':
    main()
